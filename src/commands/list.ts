import { TASK_STATUSES, tasks, type TaskStatus } from '../schema/tables.js';
import { shortIds } from '../db/lookup.js';
import { specFor } from '../db/registry.js';
import { countTasks, listTasks, TASK_SORTS, type TaskFilter, type TaskSort } from '../db/tasks.js';
import type { TaskView } from '../db/views.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { importLazy } from '../lazy-import.js';
import { paint, SYNC_GLYPHS, table, taskJson, type WidthOf } from '../output/format.js';
import { STATUS_COLOURS } from '../output/task-text.js';

export const LIST_FORMATS = ['table', 'tsv', 'json', 'jsonl'] as const;
type ListFormat = (typeof LIST_FORMATS)[number];

export interface ListOptions {
  status?: string;
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
}

/** Statuses `list` shows unless --all or --status: the open ones. */
const OPEN: TaskStatus[] = TASK_STATUSES.filter((s) => s !== 'done' && s !== 'canceled');
/** The keys of a task's JSON, in order (from the declaration): what --fields may name. */
export const TASK_KEYS: readonly string[] = ['id', ...tasks.fieldNames, 'updatedAt', 'syncStatus'];
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
  const [key, dir] = raw.split(':');
  if (!(TASK_SORTS as readonly string[]).includes(key!) || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
    throw new UsageError(`--sort "${raw}" is not one of ${TASK_SORTS.join(', ')} (optionally :asc or :desc, e.g. title:desc)`);
  }
  return { key: key as TaskSort, descending: dir === undefined ? undefined : dir === 'desc' };
}

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
  /** Tasks the filter matches, limit aside; known only when the limit cut the list. */
  total: number;
  /** Done and canceled tasks hidden by default. */
  hidden: number;
}

function footer({ found, total, hidden }: Shown, limit: number | undefined): string {
  const parts = [total > found.length ? `${found.length} of ${total} tasks (--limit ${limit})` : `${found.length} ${found.length === 1 ? 'task' : 'tasks'}`];
  if (hidden > 0) parts.push(`${hidden} done or canceled hidden (--all shows them)`);
  return parts.join(' · ');
}

function renderTable(ctx: Context, shown: Shown, fields: string[], header: boolean, widthOf: WidthOf, limit?: number): string {
  const { found } = shown;
  const { color, interactive, columns } = ctx.reporter;
  if (found.length === 0 && header) return `No tasks${shown.hidden ? ` (${shown.hidden} done or canceled hidden; --all shows them)` : ''}. Capture one with: convoy add Something to do`;
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
  const filter: TaskFilter = {
    statuses: explicit ?? (options.all ? undefined : OPEN),
    project: options.project,
    pending: options.pending,
    search: options.search,
    limit: parseLimit(options.limit),
    sort: parseSort(options.sort),
  };
  const format = parseFormat(options);
  const fields = parseFields(options.fields);
  const replica = ctx.replica();
  const found = listTasks(replica, filter);
  if (format === 'json') return ctx.reporter.result(found.map((t) => pick(taskJson(t), fields)), () => '');
  if (format === 'jsonl') return ctx.reporter.result(null, () => found.map((t) => JSON.stringify(pick(taskJson(t), fields))).join('\n'));
  const shown = { found, total: found.length, hidden: 0 };
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
