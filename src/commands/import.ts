import { closeSync, openSync } from 'node:fs';
import { isUuid } from '../schema/rules.js';
import { idsByTitle } from '../db/lookup.js';
import { createProject } from '../db/projects.js';
import { withDeferredSearchIndex } from '../db/search-index.js';
import { specFor } from '../db/registry.js';
import { applyTaskUpdate, createTask, getTask, type TaskInput, type TaskTimes } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { createNote } from '../db/notes.js';
import { inputNames, setFields } from '../output/fields.js';
import type { TableDecl } from '../schema/declare.js';
import { projects, tasks } from '../schema/tables.js';
import { fileLines, memoryLines, NotUtf8Error, spool } from './import-source.js';
import { taskwarriorLines } from './taskwarrior.js';
import { selectedWorkspace } from './workspace-scope.js';

export interface ImportOptions {
  json?: boolean;
  /** convoy (default) or taskwarrior. */
  from?: string;
  /** --workspace: where created tasks and projects go, a name or id (default: the current one). */
  workspace?: string;
}

/** One validated line of an import file. */
type ImportLine =
  | { line: number; op: 'create'; id?: string; input: TaskInput; times: TaskTimes; notes: NoteLine[] }
  | { line: number; op: 'update'; id: string; input: TaskInput; notes: NoteLine[] }
  | { line: number; op: 'project'; id?: string; input: { name: string; description?: string }; times: TaskTimes };

/** A note of an import line: its text, and its time when it came from an export. */
interface NoteLine {
  text: string;
  createdAt?: number;
}

/** The key of a task line that holds its notes (what show --json prints). */
const NOTES = 'notes';
/** The keys a line may set: the task's input names, from its declaration. */
export const INPUT_FIELDS: readonly string[] = inputNames(tasks);
/** Times a create may carry (what export writes): the declared time fields a person does not set, and updatedAt. */
const timeFields = (decl: TableDecl) => [...decl.fieldNames.filter((n) => decl.fields[n]!.type.kind === 'time' && decl.fields[n]!.input === null), 'updatedAt'];
const MAX_SHOWN_ERRORS = 20;

/** A line's notes: strings, or objects with `text` (and `createdAt`, as show --json prints them). */
function readNotes(value: unknown): NoteLine[] | string {
  const bad = `${NOTES} must be an array of strings or of {"text": …} objects`;
  if (!Array.isArray(value)) return bad;
  const out: NoteLine[] = [];
  for (const note of value) {
    if (typeof note === 'string') out.push({ text: note });
    else if (typeof note === 'object' && note !== null && typeof (note as { text?: unknown }).text === 'string') {
      const { text, createdAt } = note as { text: string; createdAt?: unknown };
      const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : undefined;
      out.push(ms !== undefined && Number.isFinite(ms) ? { text, createdAt: ms } : { text });
    } else return bad;
  }
  return out;
}

type ReadInput = Record<string, string | string[]>;

/** The input, times and notes of a line of `decl`, or an error message. Sets (tags, blockedBy) are arrays; on an update they add. */
function readFields(record: Record<string, unknown>, decl: TableDecl, op: string): { input: ReadInput; times: TaskTimes; notes: NoteLine[] } | string {
  const inputs = inputNames(decl);
  const sets = setFields(decl);
  const times = op === 'update' ? [] : timeFields(decl);
  const input: ReadInput = {};
  const parsedTimes: TaskTimes = {};
  let notes: NoteLine[] = [];
  for (const [key, field] of Object.entries(record)) {
    if (key === 'op' || key === 'id') continue;
    const set = sets.find((s) => s.field === key);
    if (set) {
      if (!Array.isArray(field) || field.some((v) => typeof v !== 'string')) return `${key} must be an array of strings`;
      input[set.add] = field as string[];
      continue;
    }
    if (key === NOTES && decl === tasks) {
      const read = readNotes(field);
      if (typeof read === 'string') return read;
      notes = read;
      continue;
    }
    if (times.includes(key)) {
      const ms = field === null ? null : typeof field === 'string' ? Date.parse(field) : Number.NaN;
      if (ms !== null && Number.isNaN(ms)) return `${key} must be an ISO-8601 time or null`;
      if (ms === null && !decl.fields[key]?.nullable) return `${key} must be an ISO-8601 time`;
      parsedTimes[key] = ms;
      continue;
    }
    if (!inputs.includes(key)) return `unknown field "${key}"; use ${['op', 'id', ...inputs, ...times, ...(decl === tasks ? [...sets.map((s) => s.field), NOTES] : [])].join(', ')}`;
    // null clears (what export writes for an empty optional field).
    if (field === null) input[key] = '';
    else if (typeof field !== 'string') return `${key} must be a string`;
    else input[key] = field;
  }
  return { input, times: parsedTimes, notes };
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
    return { line, op, id, input: fields.input, notes: fields.notes };
  }
  if (id !== undefined && !isUuid(id)) return `id "${id}" must be a full lowercase UUID for a create (or leave it out)`;
  if (op === 'project') {
    if (typeof fields.input.name !== 'string') return 'a project line needs its "name"';
    return { line, op, id, input: fields.input as { name: string }, times: fields.times };
  }
  return { line, op, id, input: fields.input, times: fields.times, notes: fields.notes };
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

/** A parsed line, or its error ("line n: …"). */
type Parsed = ImportLine | string;

const parsedOrError = (result: ImportLine | string, n: number): Parsed => (typeof result === 'string' ? `line ${n}: ${result}` : result);

/** JSON lines, parsed one at a time (blank lines skipped, but counted). */
function* jsonLines(lines: Iterable<string>): Generator<Parsed> {
  let n = 0;
  for (const raw of lines) {
    n++;
    if (raw.trim() !== '') yield parsedOrError(parseImportLine(raw, n), n);
  }
}

/** A whole document (one JSON array, or Taskwarrior's export), parsed at once. */
function wholeDocument(text: string, source: string, from: string): Parsed[] {
  let values: unknown[] = [];
  if (from === 'taskwarrior') {
    const converted = taskwarriorLines(text);
    if (converted.errors.length) fail(source, converted.errors);
    values = converted.lines;
  } else {
    try {
      values = JSON.parse(text) as unknown[];
    } catch (error) {
      fail(source, [`not valid JSON (${(error as Error).message}); give JSON lines or one JSON array`]);
    }
  }
  return values.map((value, index) => parsedOrError(parseRecord(value, index + 1), index + 1));
}

function* chain(head: string[], rest: Iterator<string>): Generator<string> {
  yield* head;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

/**
 * The parsed lines of the input: JSON lines streamed one at a time; one JSON
 * array or Taskwarrior's export (single documents) read whole.
 */
function* parseInput(lines: Iterable<string>, source: string, from: string): Generator<Parsed> {
  const rest = lines[Symbol.iterator]();
  // The first line that is not blank says whether the input is one JSON document.
  const head: string[] = [];
  for (let next = rest.next(); !next.done; next = rest.next()) {
    head.push(next.value);
    if (next.value.trim() !== '') break;
  }
  if (from === 'taskwarrior' || head.at(-1)?.trimStart().startsWith('[')) yield* wholeDocument([...chain(head, rest)].join('\n'), source, from);
  else yield* jsonLines(chain(head, rest));
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
 * create of the same id). A project line creates the project unless one of
 * that name exists. Shape errors are reported alone (as if checked first);
 * otherwise reference errors; either way everything is rolled back.
 */
function applyAll(ctx: Context, parsed: Iterable<Parsed>, source: string, workspace: string): Omit<ImportSummary, 'durationMs'> {
  const replica = ctx.replica();
  const now = ctx.now();
  const projectSpec = specFor(projects.name);
  // The search index of the created tasks is built once, at the end (search-index.ts).
  return replica.write((tx) =>
    withDeferredSearchIndex(tx, () => {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      const shapeErrors: string[] = [];
      const errors: string[] = [];
      for (const line of parsed) {
        if (typeof line === 'string') shapeErrors.push(line);
        // After a bad line nothing will be written: only the shapes are still checked.
        if (typeof line === 'string' || shapeErrors.length) continue;
        try {
          if (line.op === 'project') {
            if (idsByTitle(tx, projectSpec, line.input.name.trim(), workspace).length > 0) counts.unchanged++;
            else {
              createProject(tx, { ...line.input, workspace }, now, line.id, line.times);
              counts.created++;
            }
          } else if (line.op === 'create') {
            if (line.id && getTask(tx, line.id)) throw new UsageError(`id ${line.id} already exists; leave id out or use op "update"`);
            const task = createTask(tx, { ...line.input, workspace }, now, line.id, line.times);
            for (const note of line.notes) createNote(tx, task.id, note.text, now, undefined, note.createdAt);
            counts.created++;
          } else {
            const { task, changed } = applyTaskUpdate(tx, line.id, line.input, now);
            for (const note of line.notes) createNote(tx, task.id, note.text, now, undefined, note.createdAt);
            if (changed || line.notes.length > 0) counts.updated++;
            else counts.unchanged++;
          }
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          errors.push(`line ${line.line}: ${error.message}`);
        }
      }
      if (shapeErrors.length) fail(source, shapeErrors);
      if (errors.length) fail(source, errors);
      return counts;
    }),
  );
}

/** What `convoy import -` reads: the piped text or bytes, or the stream itself (spooled, not held in memory). */
export type ImportStdin = () => Promise<string | Buffer | NodeJS.ReadableStream>;

function unreadable(source: string, error: unknown): UsageError {
  return new UsageError(`file: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a readable JSON-lines file or - for stdin`);
}

/** Read `source` (a file, or stdin) and hand its lines to `apply`. */
async function readInto<T>(source: string, stdin: ImportStdin, apply: (lines: Iterable<string>) => T): Promise<T> {
  if (source !== 'stdin') {
    try {
      closeSync(openSync(source, 'r'));
    } catch (error) {
      throw unreadable(source, error);
    }
    return apply(fileLines(source));
  }
  const input = await stdin().catch((error: unknown) => Promise.reject(unreadable(source, error)));
  if (typeof input === 'string' || Buffer.isBuffer(input)) return apply(memoryLines(input));
  const spooled = await spool(input).catch((error: unknown) => Promise.reject(unreadable(source, error)));
  try {
    return apply(fileLines(spooled.path));
  } finally {
    spooled.remove();
  }
}

/** `convoy import [file|-]`: JSON lines (or an array) of creates, updates and projects, or a Taskwarrior export; all or nothing. */
export async function importCommand(file: string | undefined, options: ImportOptions, ctx: Context, stdin: ImportStdin): Promise<void> {
  const started = performance.now();
  const from = options.from ?? 'convoy';
  if (from !== 'convoy' && from !== 'taskwarrior') throw new UsageError(`--from "${from}" is not convoy or taskwarrior`);
  const source = file === undefined || file === '-' ? 'stdin' : file;
  const workspace = selectedWorkspace(ctx, options.workspace).id;
  let counts: Omit<ImportSummary, 'durationMs'>;
  try {
    counts = await readInto(source, stdin, (lines) => applyAll(ctx, parseInput(lines, source, from), source, workspace));
  } catch (error) {
    if (!(error instanceof NotUtf8Error)) throw error;
    throw new UsageError(`import: line ${error.line} of ${source} is not valid UTF-8; nothing was imported. Save the file as UTF-8 and run again`);
  }
  const summary: ImportSummary = { ...counts, durationMs: Math.round(performance.now() - started) };
  ctx.reporter.result(summary, () => {
    const total = counts.created + counts.updated + counts.unchanged;
    return `Imported ${total} lines from ${source}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged (${summary.durationMs} ms)`;
  });
}
