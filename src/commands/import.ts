import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { isUuid } from '../schema/rules.js';
import { applyTaskUpdate, createTask, getTask, type TaskInput } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export interface ImportOptions {
  json?: boolean;
}

/** One validated line of an import file. */
type ImportLine = { line: number; op: 'create'; id?: string; input: TaskInput } | { line: number; op: 'update'; id: string; input: TaskInput };

const INPUT_FIELDS = ['title', 'description', 'status', 'stage', 'project', 'parent'] as const;
const MAX_SHOWN_ERRORS = 20;

/** Shape checks of one line, without the database. Returns the line or an error message. */
export function parseImportLine(text: string, line: number): ImportLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message}); each line must be one JSON object`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object like {"op":"create","title":"…"}';
  const record = value as Record<string, unknown>;
  const { op, id } = record;
  if (op !== 'create' && op !== 'update') return `op ${JSON.stringify(op)} is not "create" or "update"`;
  const input: TaskInput = {};
  for (const [key, field] of Object.entries(record)) {
    if (key === 'op' || key === 'id') continue;
    if (!(INPUT_FIELDS as readonly string[]).includes(key)) return `unknown field "${key}"; use ${['op', 'id', ...INPUT_FIELDS].join(', ')}`;
    if (typeof field !== 'string') return `${key} must be a string`;
    input[key as keyof TaskInput] = field;
  }
  if (id !== undefined && typeof id !== 'string') return 'id must be a string';
  if (op === 'update') {
    if (id === undefined) return 'an update needs the "id" of the task to change';
    return { line, op, id, input };
  }
  if (id !== undefined && !isUuid(id)) return `id "${id}" must be a full lowercase UUID for a create (or leave it out)`;
  return { line, op, id, input };
}

function fail(source: string, errors: string[]): never {
  const shown = errors.slice(0, MAX_SHOWN_ERRORS).map((e) => `  ${e}`);
  if (errors.length > MAX_SHOWN_ERRORS) shown.push(`  … and ${errors.length - MAX_SHOWN_ERRORS} more`);
  const noun = errors.length === 1 ? 'invalid line' : 'invalid lines';
  throw new UsageError(`import: ${errors.length} ${noun} in ${source}; nothing was imported. Fix them and run again:\n${shown.join('\n')}`);
}

/** Validate every line's shape first; report all bad lines at once. */
function parseAll(text: string, source: string): ImportLine[] {
  const parsed: ImportLine[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const result = parseImportLine(raw, index + 1);
    if (typeof result === 'string') errors.push(`line ${index + 1}: ${result}`);
    else parsed.push(result);
  });
  if (errors.length) fail(source, errors);
  return parsed;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  durationMs: number;
}

/**
 * Apply every line in ONE transaction: either all lines land (rows + ops) or
 * none do. Lines see the effect of earlier lines (an update may follow the
 * create of the same id). Reference errors are collected, then rolled back.
 */
function applyAll(ctx: Context, lines: ImportLine[], source: string): Omit<ImportSummary, 'durationMs'> {
  const replica = ctx.replica();
  const now = ctx.now();
  return replica.write(() => {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const errors: string[] = [];
    for (const line of lines) {
      try {
        if (line.op === 'create') {
          if (line.id && getTask(replica, line.id)) throw new UsageError(`id ${line.id} already exists; leave id out or use op "update"`);
          createTask(replica, line.input, now, line.id);
          counts.created++;
        } else if (applyTaskUpdate(replica, line.id, line.input, now).changed) counts.updated++;
        else counts.unchanged++;
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        errors.push(`line ${line.line}: ${error.message}`);
      }
    }
    if (errors.length) fail(source, errors);
    return counts;
  });
}

/**
 * The text of an import file: strict UTF-8 (a byte that is not UTF-8 is
 * refused, naming its line, never turned into U+FFFD); a leading BOM is dropped.
 */
export function decodeImport(bytes: Buffer, source: string): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return body.toString('utf8');
  let start = 0;
  for (let line = 1; ; line++) {
    const end = body.indexOf(0x0a, start);
    if (!isUtf8(body.subarray(start, end === -1 ? body.length : end))) {
      throw new UsageError(`import: line ${line} of ${source} is not valid UTF-8; nothing was imported. Save the file as UTF-8 and run again`);
    }
    start = end + 1;
  }
}

/** `convoy import [file|-]`: JSON lines of creates and updates, all or nothing. */
export async function importCommand(file: string | undefined, _options: ImportOptions, ctx: Context, stdin: () => Promise<Buffer>): Promise<void> {
  const started = performance.now();
  const source = file === undefined || file === '-' ? 'stdin' : file;
  let bytes: Buffer;
  try {
    bytes = source === 'stdin' ? await stdin() : await readFile(source);
  } catch (error) {
    throw new UsageError(`file: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a readable JSON-lines file or - for stdin`);
  }
  const lines = parseAll(decodeImport(bytes, source), source);
  const counts = applyAll(ctx, lines, source);
  const summary: ImportSummary = { ...counts, durationMs: Math.round(performance.now() - started) };
  ctx.reporter.result(summary, () => {
    const total = counts.created + counts.updated + counts.unchanged;
    return `Imported ${total} lines from ${source}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged (${summary.durationMs} ms)`;
  });
}
