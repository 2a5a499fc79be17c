/**
 * Error classes that cross layers. `src/main.ts` is the only place that maps
 * them to exit codes; everything else throws them and lets them travel.
 */

/** Exit codes of the CLI contract (docs/architecture.md, README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  offline: 3,
  incomplete: 4,
  config: 5,
  busy: 6,
  /** The server refused access: not (or no longer) a member of the workspace, or not its owner. */
  denied: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What a script gets besides the message (`--json` errors). */
export interface ErrorDetail {
  /** The input field or flag at fault, when there is one. */
  field?: string;
  /** How to fix it, when the message does not end with it already. */
  hint?: string;
}

/** Bad input or usage: the message names the field and the fix. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly detail: ErrorDetail;
  constructor(message: string, detail: ErrorDetail = {}) {
    super(message);
    this.detail = detail;
  }
}

/** Missing or bad configuration, or a replica this program cannot use. Exit 5. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A backend call failed. `retryable` errors (unreachable, timeout, 5xx) leave
 * ops untouched; `offline` ones mean the backend could not be reached at all
 * (exit 3). Non-retryable errors are rejections or auth problems.
 */
export class BackendError extends Error {
  override name = 'BackendError';
  readonly retryable: boolean;
  readonly offline: boolean;
  readonly auth: boolean;
  /**
   * The server's code when it refused the call (src/schema/server/store.ts
   * `ServerErrorCode`): e.g. `forbidden` (not a member of the workspace, or
   * not its owner: exit 7), `exists`, `invalid`.
   */
  readonly refusal: string | undefined;
  constructor(message: string, opts: { retryable: boolean; offline?: boolean; auth?: boolean; refusal?: string; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.retryable = opts.retryable;
    this.offline = opts.offline ?? false;
    this.auth = opts.auth ?? false;
    this.refusal = opts.refusal;
  }
}

/**
 * Access to a workspace is gone or was never there: the replica's copy of a
 * workspace the user left (or was removed from) is read-only. Exit 7
 * (denied), like a push the server refused as `forbidden`.
 */
export class DeniedError extends Error {
  override name = 'DeniedError';
}

/** Not possible right now (e.g. another process is syncing this replica): nothing lost, try later. Exit 6 (busy). */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

/**
 * The replica's state forbids this now (e.g. a daemon already runs on it).
 * Not a bug and not bad input: exit 6 (busy) with the message as it is.
 */
export class StateError extends Error {
  override name = 'StateError';
}

/**
 * The machine, not convoy, is in the way: a full disk, a read-only or
 * forbidden file, an I/O error, a damaged replica. Returns what to tell the
 * user (with the fix), or null for anything else. These exit 5, like a
 * configuration error: never "please report it".
 */
export function environmentProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const where = typeof (error as { path?: unknown }).path === 'string' ? ` (${(error as { path: string }).path})` : '';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return `the disk is full${where}; free some space and try again (nothing was half-written: each change is one transaction)`;
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return `it is read-only${where}; make the replica and its folder writable (or set CONVOY_HOME to a folder you can write)`;
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM' || code.startsWith('SQLITE_CANTOPEN')) {
    return `permission denied${where}; make it readable and writable by you, or set CONVOY_HOME to a folder you own`;
  }
  if (code === 'ENOTDIR' || code === 'EISDIR') return `a part of the path is not what it should be${where}; set CONVOY_HOME to a folder`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return 'the replica is damaged; run `convoy doctor` to set it aside and rebuild it from the server';
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return `an I/O error${where}; check the disk, then try again`;
  return null;
}

/** Map any thrown value to the contract's exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof ConfigError) return ExitCode.config;
  if (environmentProblem(error)) return ExitCode.config;
  if (error instanceof BackendError) {
    if (error.auth) return ExitCode.config;
    if (error.refusal === 'forbidden') return ExitCode.denied;
    // Unreachable, or still failing after retries: nothing lost, try later.
    if (error.offline || error.retryable) return ExitCode.offline;
    return ExitCode.unexpected;
  }
  if (error instanceof DeniedError) return ExitCode.denied;
  if (error instanceof RetryLaterError || error instanceof StateError) return ExitCode.busy;
  return ExitCode.unexpected;
}

/** The `code` of a `--json` error, by exit code. */
export const ERROR_CODES: Record<ExitCode, string> = {
  0: 'ok',
  1: 'internal',
  2: 'bad_input',
  3: 'offline',
  4: 'sync_incomplete',
  5: 'not_configured',
  6: 'busy',
  7: 'denied',
};
