import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { isUuid } from '../schema/rules.js';
import { idsByTitle } from '../db/lookup.js';
import { createProject } from '../db/projects.js';
import { specFor } from '../db/registry.js';
import { applyTaskUpdate, createTask, getTask, type TaskInput, type TaskTimes } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { inputNames } from '../output/fields.js';
import type { TableDecl } from '../schema/declare.js';
import { projects, tasks } from '../schema/tables.js';
import { taskwarriorLines } from './taskwarrior.js';

export interface ImportOptions {
  json?: boolean;
  /** convoy (default) or taskwarrior. */
  from?: string;
}

/** One validated line of an import file. */
type ImportLine =
  | { line: number; op: 'create'; id?: string; input: TaskInput; times: TaskTimes }
  | { line: number; op: 'update'; id: string; input: TaskInput }
  | { line: number; op: 'project'; id?: string; input: { name: string; description?: string }; times: TaskTimes };

/** The keys a line may set: the task's input names, from its declaration. */
export const INPUT_FIELDS: readonly string[] = inputNames(tasks);
/** Times a create may carry (what export writes): the declared time fields, and updatedAt. */
const timeFields = (decl: TableDecl) => [...decl.fieldNames.filter((n) => decl.fields[n]!.type.kind === 'time'), 'updatedAt'];
const MAX_SHOWN_ERRORS = 20;

/** The input and times of a create line of `decl`, or an error message. */
function readFields(record: Record<string, unknown>, decl: TableDecl, op: string): { input: Record<string, string>; times: TaskTimes } | string {
  const inputs = inputNames(decl);
  const times = op === 'update' ? [] : timeFields(decl);
  const input: Record<string, string> = {};
  const parsedTimes: TaskTimes = {};
  for (const [key, field] of Object.entries(record)) {
    if (key === 'op' || key === 'id') continue;
    if (times.includes(key)) {
      const ms = field === null ? null : typeof field === 'string' ? Date.parse(field) : Number.NaN;
      if (ms !== null && Number.isNaN(ms)) return `${key} must be an ISO-8601 time or null`;
      if (ms === null && !decl.fields[key]?.nullable) return `${key} must be an ISO-8601 time`;
      parsedTimes[key] = ms;
      continue;
    }
    if (!inputs.includes(key)) return `unknown field "${key}"; use ${['op', 'id', ...inputs, ...times].join(', ')}`;
    if (typeof field !== 'string') return `${key} must be a string`;
    input[key] = field;
  }
  return { input, times: parsedTimes };
}

/** Shape checks of one line (an object), without the database. Returns the line or an error message. */
function parseRecord(value: unknown, line: number): ImportLine | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object like {"op":"create","title":"…"}';
  const record = value as Record<string, unknown>;
  const { op, id } = record;
  if (op !== 'create' && op !== 'update' && op !== 'project') return `op ${JSON.stringify(op)} is not "create", "update" or "project"`;
  const fields = readFields(record, op === 'project' ? projects : tasks, op);
  if (typeof fields === 'string') return fields;
  if (id !== undefined && typeof id !== 'string') return 'id must be a string';
  if (op === 'update') {
    if (id === undefined) return 'an update needs the "id" of the task to change';
    return { line, op, id, input: fields.input };
  }
  if (id !== undefined && !isUuid(id)) return `id "${id}" must be a full lowercase UUID for a create (or leave it out)`;
  if (op === 'project') {
    if (typeof fields.input.name !== 'string') return 'a project line needs its "name"';
    return { line, op, id, input: fields.input as { name: string }, times: fields.times };
  }
  return { line, op, id, input: fields.input, times: fields.times };
}

/** Shape checks of one line of text. Returns the line or an error message. */
export function parseImportLine(text: string, line: number): ImportLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message}); each line must be one JSON object`;
  }
  return parseRecord(value, line);
}

function fail(source: string, errors: string[]): never {
  const shown = errors.slice(0, MAX_SHOWN_ERRORS).map((e) => `  ${e}`);
  if (errors.length > MAX_SHOWN_ERRORS) shown.push(`  … and ${errors.length - MAX_SHOWN_ERRORS} more`);
  const noun = errors.length === 1 ? 'invalid line' : 'invalid lines';
  throw new UsageError(`import: ${errors.length} ${noun} in ${source}; nothing was imported. Fix them and run again:\n${shown.join('\n')}`);
}

/** Validate every line's shape first (JSON lines, one JSON array, or Taskwarrior's export); report all bad lines at once. */
function parseAll(text: string, source: string, from: string): ImportLine[] {
  const parsed: ImportLine[] = [];
  const errors: string[] = [];
  const take = (result: ImportLine | string, n: number) => (typeof result === 'string' ? errors.push(`line ${n}: ${result}`) : parsed.push(result));
  const body = text.replace(/^\uFEFF/, '');
  if (from === 'taskwarrior') {
    const converted = taskwarriorLines(body);
    if (converted.errors.length) fail(source, converted.errors);
    converted.lines.forEach((value, index) => take(parseRecord(value, index + 1), index + 1));
  } else if (body.trimStart().startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(body);
    } catch (error) {
      fail(source, [`not valid JSON (${(error as Error).message}); give JSON lines or one JSON array`]);
    }
    (items as unknown[]).forEach((value, index) => take(parseRecord(value, index + 1), index + 1));
  } else {
    body.split('\n').forEach((raw, index) => {
      if (raw.trim() !== '') take(parseImportLine(raw, index + 1), index + 1);
    });
  }
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
 * create of the same id). A project line creates the project unless one of
 * that name exists. Reference errors are collected, then rolled back.
 */
function applyAll(ctx: Context, lines: ImportLine[], source: string): Omit<ImportSummary, 'durationMs'> {
  const replica = ctx.replica();
  const now = ctx.now();
  const projectSpec = specFor(projects.name);
  return replica.write((tx) => {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const errors: string[] = [];
    for (const line of lines) {
      try {
        if (line.op === 'project') {
          if (idsByTitle(tx, projectSpec, line.input.name.trim()).length > 0) counts.unchanged++;
          else {
            createProject(tx, line.input, now, line.id, line.times);
            counts.created++;
          }
        } else if (line.op === 'create') {
          if (line.id && getTask(tx, line.id)) throw new UsageError(`id ${line.id} already exists; leave id out or use op "update"`);
          createTask(tx, line.input, now, line.id, line.times);
          counts.created++;
        } else if (applyTaskUpdate(tx, line.id, line.input, now).changed) counts.updated++;
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

/** `convoy import [file|-]`: JSON lines (or an array) of creates, updates and projects, or a Taskwarrior export; all or nothing. */
export async function importCommand(file: string | undefined, options: ImportOptions, ctx: Context, stdin: () => Promise<Buffer>): Promise<void> {
  const started = performance.now();
  const from = options.from ?? 'convoy';
  if (from !== 'convoy' && from !== 'taskwarrior') throw new UsageError(`--from "${from}" is not convoy or taskwarrior`);
  const source = file === undefined || file === '-' ? 'stdin' : file;
  let bytes: Buffer;
  try {
    bytes = source === 'stdin' ? await stdin() : await readFile(source);
  } catch (error) {
    throw new UsageError(`file: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a readable JSON-lines file or - for stdin`);
  }
  const lines = parseAll(decodeImport(bytes, source), source, from);
  const counts = applyAll(ctx, lines, source);
  const summary: ImportSummary = { ...counts, durationMs: Math.round(performance.now() - started) };
  ctx.reporter.result(summary, () => {
    const total = counts.created + counts.updated + counts.unchanged;
    return `Imported ${total} lines from ${source}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged (${summary.durationMs} ms)`;
  });
}
