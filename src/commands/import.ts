import { closeSync, openSync } from 'node:fs';
import { isUuid } from '../schema/rules.js';
import { applyTaskUpdate, createTask, getTask, type TaskInput } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { inputNames } from '../output/fields.js';
import { tasks } from '../schema/tables.js';
import { fileLines, spool, textLines } from './import-source.js';

export interface ImportOptions {
  json?: boolean;
}

/** One validated line of an import file. */
type ImportLine = { line: number; op: 'create'; id?: string; input: TaskInput } | { line: number; op: 'update'; id: string; input: TaskInput };

/** The keys a line may set: the task's input names, from its declaration. */
export const INPUT_FIELDS: readonly string[] = inputNames(tasks);
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
  const input: Record<string, string> = {};
  for (const [key, field] of Object.entries(record)) {
    if (key === 'op' || key === 'id') continue;
    if (!INPUT_FIELDS.includes(key)) return `unknown field "${key}"; use ${['op', 'id', ...INPUT_FIELDS].join(', ')}`;
    if (typeof field !== 'string') return `${key} must be a string`;
    input[key] = field;
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

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  durationMs: number;
}

/**
 * Read and apply every line in ONE transaction, one line at a time (memory
 * stays flat with the file's size): either all lines land (rows + ops) or
 * none do. Lines see the effect of earlier lines (an update may follow the
 * create of the same id). Shape errors are reported alone (as if checked
 * first); otherwise reference errors; either way everything is rolled back.
 */
function applyAll(ctx: Context, lines: Iterable<string>, source: string): Omit<ImportSummary, 'durationMs'> {
  const replica = ctx.replica();
  const now = ctx.now();
  return replica.write((tx) => {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const shapeErrors: string[] = [];
    const errors: string[] = [];
    let number = 0;
    for (const raw of lines) {
      number++;
      if (raw.trim() === '') continue;
      const line = parseImportLine(raw, number);
      if (typeof line === 'string') shapeErrors.push(`line ${number}: ${line}`);
      // After a bad line nothing will be written: only the shapes are still checked.
      if (typeof line === 'string' || shapeErrors.length) continue;
      try {
        if (line.op === 'create') {
          if (line.id && getTask(tx, line.id)) throw new UsageError(`id ${line.id} already exists; leave id out or use op "update"`);
          createTask(tx, line.input, now, line.id);
          counts.created++;
        } else if (applyTaskUpdate(tx, line.id, line.input, now).changed) counts.updated++;
        else counts.unchanged++;
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        errors.push(`line ${line.line}: ${error.message}`);
      }
    }
    if (shapeErrors.length) fail(source, shapeErrors);
    if (errors.length) fail(source, errors);
    return counts;
  });
}

/** What `convoy import -` reads: the piped text, or the stream itself (spooled, not held in memory). */
export type ImportStdin = () => Promise<string | NodeJS.ReadableStream>;

function unreadable(source: string, error: unknown): UsageError {
  return new UsageError(`file: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a readable JSON-lines file or - for stdin`);
}

/** `convoy import [file|-]`: JSON lines of creates and updates, all or nothing. */
export async function importCommand(file: string | undefined, _options: ImportOptions, ctx: Context, stdin: ImportStdin): Promise<void> {
  const started = performance.now();
  const source = file === undefined || file === '-' ? 'stdin' : file;
  let counts: Omit<ImportSummary, 'durationMs'>;
  if (source === 'stdin') {
    const input = await stdin().catch((error: unknown) => Promise.reject(unreadable(source, error)));
    if (typeof input === 'string') counts = applyAll(ctx, textLines(input), source);
    else {
      const spooled = await spool(input).catch((error: unknown) => Promise.reject(unreadable(source, error)));
      try {
        counts = applyAll(ctx, fileLines(spooled.path), source);
      } finally {
        spooled.remove();
      }
    }
  } else {
    try {
      closeSync(openSync(source, 'r'));
    } catch (error) {
      throw unreadable(source, error);
    }
    counts = applyAll(ctx, fileLines(source), source);
  }
  const summary: ImportSummary = { ...counts, durationMs: Math.round(performance.now() - started) };
  ctx.reporter.result(summary, () => {
    const total = counts.created + counts.updated + counts.unchanged;
    return `Imported ${total} lines from ${source}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged (${summary.durationMs} ms)`;
  });
}
