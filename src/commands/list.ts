import { TASK_STATUSES, tasks, type TaskStatus } from '../schema/tables.js';
import { shortIds } from '../db/lookup.js';
import { specFor } from '../db/registry.js';
import { countTasks, listTasks, TASK_SORTS, type TaskFilter, type TaskSort } from '../db/tasks.js';
import { parseWhen, WHEN_FORMATS } from '../db/when.js';
import { setFields } from '../output/fields.js';
import type { TaskView } from '../db/views.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { importLazy } from '../lazy-import.js';
import { paint, SYNC_GLYPHS, table, taskJson, type WidthOf } from '../output/format.js';
import { STATUS_COLOURS } from '../output/task-text.js';
import type { LocalWorkspace } from '../db/workspaces.js';
import { selectedWorkspace } from './workspace-scope.js';

export const LIST_FORMATS = ['table', 'tsv', 'json', 'jsonl'] as const;
type ListFormat = (typeof LIST_FORMATS)[number];

export interface ListOptions {
  status?: string;
  /** Set members (--tag, repeatable) and declared enum filters (--priority H,M), by option name. */
  [option: string]: string | string[] | boolean | undefined;
  project?: string;
  pending?: boolean;
  search?: string;
  limit?: string;
  all?: boolean;
  sort?: string;
  format?: string;
  fields?: string;
  header?: boolean;
  json?: boolean;
  /** --workspace: a workspace name or id (default: the current one). */
  workspace?: string;
}

/** Statuses `list` shows unless --all or --status: the open ones. */
const OPEN: TaskStatus[] = TASK_STATUSES.filter((s) => s !== 'done' && s !== 'canceled');
/** The keys of a task's JSON, in order (from the declaration): what --fields may name. */
export const TASK_KEYS: readonly string[] = ['id', ...tasks.fieldNames, ...setFields(tasks).map((s) => s.field), 'updatedAt', 'syncStatus', 'blocked'];
const DEFAULT_FIELDS = ['id', 'status', 'syncStatus', 'title'];

function parseStatuses(raw: string | undefined): TaskStatus[] | undefined {
  if (raw === undefined) return undefined;
  const statuses = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const status of statuses) {
    if (!(TASK_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status "${status}" is not one of ${TASK_STATUSES.join(', ')}; separate several with commas`);
    }
  }
  return statuses as TaskStatus[];
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--limit "${raw}" must be a whole number of at least 1`);
  return Number(raw);
}

function parseSort(raw: string | undefined): TaskFilter['sort'] {
  if (raw === undefined) return undefined;
  const minus = raw.startsWith('-');
  const [key, dir] = raw.slice(minus ? 1 : 0).split(':');
  if (!TASK_SORTS.includes(key!) || (dir !== undefined && dir !== 'asc' && dir !== 'desc') || (minus && dir !== undefined)) {
    throw new UsageError(`--sort "${raw}" is not one of ${TASK_SORTS.join(', ')} (-key or key:desc for descending, e.g. -due or title:desc)`);
  }
  return { key: key as TaskSort, descending: minus ? true : dir === undefined ? undefined : dir === 'desc' };
}

/** The declared enum fields list filters by option (all but status, which has its own): input name -> values. */
const ENUM_FILTERS = tasks.fieldNames.flatMap((name) => {
  const decl = tasks.fields[name];
  return decl.type.kind === 'enum' && decl.input !== null && decl.input !== 'status' ? [{ input: decl.input, values: decl.type.values }] : [];
});

function parseEquals(options: ListOptions): TaskFilter['equals'] {
  return Object.fromEntries(
    ENUM_FILTERS.flatMap(({ input, values }) => {
      const raw = options[input];
      if (typeof raw !== 'string') return [];
      const given = raw.split(',').map((v) => v.trim()).filter(Boolean);
      const bad = given.find((v) => !values.includes(v));
      if (bad !== undefined || given.length === 0) throw new UsageError(`--${input} "${bad ?? raw}" is not one of ${values.join(', ')}; separate several with commas`);
      return [[input, given]];
    }),
  );
}

/** --due-before and --overdue: the due time bound (--overdue: now). */
function parseDue(options: ListOptions, now: number): TaskFilter['before'] {
  const raw = options.dueBefore;
  if (typeof raw === 'string') {
    const time = parseWhen(raw, now);
    if (time === null) throw new UsageError(`--due-before ${JSON.stringify(raw)} is not a date or time; use ${WHEN_FORMATS}`);
    if (options.overdue) throw new UsageError('--due-before and --overdue cannot be combined; give one of them');
    return { input: 'due', time };
  }
  return options.overdue ? { input: 'due', time: now } : undefined;
}

function parseBlocked(options: ListOptions): boolean | undefined {
  if (options.blocked && options.unblocked) throw new UsageError('--blocked and --unblocked cannot be combined; give one of them');
  return options.blocked ? true : options.unblocked ? false : undefined;
}

/** Set-member filters (--tag, repeatable: all must match), by each set's add option. */
const parseMembers = (options: ListOptions): TaskFilter['members'] =>
  Object.fromEntries(setFields(tasks).flatMap((s) => (Array.isArray(options[s.add]) ? [[s.add, options[s.add] as string[]]] : [])));

function parseFormat(options: ListOptions): ListFormat {
  if (options.json) return 'json';
  const format = options.format ?? 'table';
  if (!(LIST_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format "${format}" is not one of ${LIST_FORMATS.join(', ')}`);
  return format as ListFormat;
}

function parseFields(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = fields.find((f) => !TASK_KEYS.includes(f));
  if (unknown !== undefined || fields.length === 0) throw new UsageError(`--fields "${unknown ?? raw}" is not a task field; use some of ${TASK_KEYS.join(', ')}`);
  return fields;
}

const headerOf = (field: string) => (field === 'syncStatus' ? 'SYNC' : field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase());
/** A value on one line of a TSV cell: tabs and newlines escaped, null empty. */
const tsvCell = (value: unknown) => (value === null || value === undefined ? '' : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n/g, '\\n'));
const pick = (json: Record<string, unknown>, fields: string[] | undefined) => (fields ? Object.fromEntries(fields.map((f) => [f, json[f]])) : json);

interface Shown {
  found: TaskView[];
  /** The workspace listed, named in the footer unless it is the personal one. */
  workspace: LocalWorkspace;
  /** Tasks the filter matches, limit aside; known only when the limit cut the list. */
  total: number;
  /** Done and canceled tasks hidden by default. */
  hidden: number;
}

function footer({ found, total, hidden, workspace }: Shown, limit: number | undefined): string {
  const parts = [total > found.length ? `${found.length} of ${total} tasks (--limit ${limit})` : `${found.length} ${found.length === 1 ? 'task' : 'tasks'}`];
  if (hidden > 0) parts.push(`${hidden} done or canceled hidden (--all shows them)`);
  if (!workspace.personal) parts.push(`workspace ${workspace.name}`);
  return parts.join(' · ');
}

function renderTable(ctx: Context, shown: Shown, fields: string[], header: boolean, widthOf: WidthOf, limit?: number): string {
  const { found } = shown;
  const { color, interactive, columns } = ctx.reporter;
  const where = shown.workspace.personal ? '' : ` in workspace ${shown.workspace.name}`;
  if (found.length === 0 && header) return `No tasks${where}${shown.hidden ? ` (${shown.hidden} done or canceled hidden; --all shows them)` : ''}. Capture one with: convoy add Something to do`;
  const ids = fields.includes('id') ? shortIds(ctx.replica(), specFor(tasks.name), found.map((t) => t.id)) : new Map<string, string>();
  const cell = (task: TaskView, json: Record<string, unknown>, field: string) =>
    field === 'id' ? ids.get(task.id)! : field === 'syncStatus' ? `${SYNC_GLYPHS[task.syncStatus].glyph} ${task.syncStatus}` : tsvCell(json[field]);
  const body = found.map((t) => {
    const json = taskJson(t);
    return fields.map((f) => cell(t, json, f));
  });
  const rows = header ? [fields.map(headerOf), ...body] : body;
  const offset = header ? 1 : 0;
  const text = table(rows, {
    // Only a terminal gets the title cut to its width; pipes get every character.
    maxWidth: interactive ? columns : undefined,
    widthOf,
    style: (r, c, text) => {
      if (r < offset) return paint(color, 'dim', text);
      const task = found[r - offset]!;
      if (fields[c] === 'status') return paint(color, STATUS_COLOURS[task.status], text);
      if (fields[c] === 'syncStatus') return paint(color, SYNC_GLYPHS[task.syncStatus].colour, text);
      return text;
    },
  });
  return header ? `${text}\n${paint(color, 'dim', footer(shown, limit))}` : text;
}

/** `convoy list`: open tasks (or those --status/--all name), newest first unless --sort; as a table, TSV, JSON or JSON lines. */
export async function listCommand(options: ListOptions, ctx: Context): Promise<void> {
  const explicit = parseStatuses(options.status);
  const workspace = selectedWorkspace(ctx, options.workspace);
  const filter: TaskFilter = {
    workspace: workspace.id,
    statuses: explicit ?? (options.all && !options.overdue ? undefined : OPEN),
    project: options.project,
    pending: options.pending,
    search: options.search,
    members: parseMembers(options),
    equals: parseEquals(options),
    before: parseDue(options, ctx.now()),
    blocked: parseBlocked(options),
    limit: parseLimit(options.limit),
    sort: parseSort(options.sort),
  };
  const format = parseFormat(options);
  const fields = parseFields(options.fields);
  const replica = ctx.replica();
  const found = listTasks(replica, filter);
  if (format === 'json') return ctx.reporter.result(found.map((t) => pick(taskJson(t), fields)), () => '');
  if (format === 'jsonl') return ctx.reporter.result(null, () => found.map((t) => JSON.stringify(pick(taskJson(t), fields))).join('\n'));
  const shown = { found, workspace, total: found.length, hidden: 0 };
  if (format === 'tsv') {
    const keys = fields ?? DEFAULT_FIELDS;
    const lines = found.map((t) => pick(taskJson(t), keys)).map((json) => keys.map((k) => tsvCell(json[k])).join('\t'));
    return ctx.reporter.result(null, () => [...(options.header ? [keys.join('\t')] : []), ...lines].join('\n'));
  }
  const header = options.header ?? true;
  if (header) {
    if (filter.limit !== undefined && found.length === filter.limit) shown.total = countTasks(replica, { ...filter, limit: undefined });
    if (!explicit && !options.all) shown.hidden = countTasks(replica, { ...filter, statuses: TASK_STATUSES.filter((s) => !OPEN.includes(s)), limit: undefined });
  }
  const { default: stringWidth } = await importLazy<typeof import('string-width')>('string-width');
  ctx.reporter.result(null, () => renderTable(ctx, shown, fields ?? DEFAULT_FIELDS, header, stringWidth, filter.limit));
}
