/**
 * The one JSON object a failing command prints on stderr under `--json`:
 * `{"error": {"code", "message", "field", "hint"}}`. Pure.
 */
import { ERROR_CODES, UsageError, type ExitCode } from '../errors.js';
import { TABLES } from '../schema/tables.js';
import { inputNames } from './fields.js';

export interface ErrorJson {
  error: { code: string; message: string; field: string | null; hint: string | null };
}

/** Inputs a message may start with besides the declared fields' (house style: the message starts with the field). */
const OTHER_INPUTS = ['id', 'file', 'key', 'value', 'op'];
/** Fields and flags a message may start with ("title must…", "--status "x"…", "convex.url must…"). */
const LEADING_FIELD = new RegExp(
  `^(--[a-z][\\w-]*|[a-z][a-zA-Z]*(?:\\.[a-zA-Z]+)+|${[...new Set([...TABLES.flatMap(inputNames), ...OTHER_INPUTS])].join('|')})(?=[: ]|$)`,
);

/** The field a message names first, if any (house style: the message starts with the field). */
export function fieldOf(message: string): string | null {
  const match = LEADING_FIELD.exec(message);
  return match ? match[1]!.replace(/^--/, '') : null;
}

/** The fix a one-line message ends with, after its last "; " (house style: "problem; fix"). */
export function hintOf(message: string): string | null {
  const first = message.split('\n')[0]!;
  const at = first.lastIndexOf('; ');
  return at < 0 ? null : first.slice(at + 2).replace(/:$/, '');
}

/** What a non-zero exit means, for a command that returned the code itself (e.g. sync's 4). */
const RETURNED: Partial<Record<ExitCode, string>> = {
  3: 'the backend could not be reached; nothing lost, changes stay queued',
  4: 'sync finished, but some ops failed or conflicts wait for a decision; see convoy status',
  5: 'not configured, or the backend refused the credentials; see convoy init --help',
};

export function errorJson(code: ExitCode, error: unknown): ErrorJson {
  const message = error === undefined ? (RETURNED[code] ?? `exit ${code}`) : error instanceof Error ? error.message : String(error);
  const detail = error instanceof UsageError ? error.detail : {};
  const usage = code === 2;
  return {
    error: {
      code: ERROR_CODES[code] ?? 'internal',
      message,
      field: detail.field ?? (usage ? fieldOf(message) : null),
      hint: detail.hint ?? hintOf(message),
    },
  };
}
