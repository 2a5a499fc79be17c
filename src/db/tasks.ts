/**
 * Task repository: the services every front end (CLI commands, import, the
 * board) uses to create, change and read tasks. Which fields a person may
 * set, and how, comes from the declaration (src/db/inputs.ts).
 */
import { asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { TASK_STATUSES, tasks as tasksDecl, type TaskStatus } from '../schema/tables.js';
import type { Fields } from '../schema/protocol.js';
import { UsageError } from '../errors.js';
import { insertRecord, updateRecord } from './changes.js';
import { assertNoCycles, fieldsFromInput, newRow } from './inputs.js';
import { resolveId } from './lookup.js';
import type { Replica, Store, WriteTx } from './open.js';
import { resolveProject } from './projects.js';
import { specFor } from './registry.js';
import { tasks } from './schema.js';
import { countTasks as countMatches, sortedTasks, taskPage, type TaskQuery } from './task-query.js';
import type { TaskInput, TaskView } from './views.js';

export type { TaskInput } from './views.js';

const spec = specFor(tasksDecl.name);

function validate(fields: Fields, kind: 'create' | 'update'): void {
  const problem = spec.validate(fields, kind);
  if (problem) throw new UsageError(problem.message);
}

/** `completedAt` follows status: set when a task becomes done, cleared when it leaves done. */
function followStatus(previous: TaskView | null, fields: Fields, now: number): void {
  const status = fields.status as TaskStatus | undefined;
  if (status === undefined) return;
  fields.completedAt = status !== 'done' ? null : previous?.status === 'done' ? previous.completedAt : now;
}

/** Times a create may carry instead of now (an import of an export): declared time fields and updatedAt, epoch ms. */
export type TaskTimes = Partial<Record<string, number | null>>;

/** Create a task and queue its create op. Throws UsageError on bad input. */
export function createTask(tx: WriteTx, input: TaskInput, now: number, id: string = uuidv7(), times: TaskTimes = {}): TaskView {
  const fields = fieldsFromInput(tx, spec, input);
  const row = newRow(spec, id, fields, now);
  followStatus(null, row, now);
  Object.assign(row, times);
  validate(Object.fromEntries(spec.fields.map((f) => [f, row[f]!])), 'create');
  insertRecord(tx, spec, row);
  return row as unknown as TaskView;
}

/** Create a task and its op in one transaction. */
export function addTask(replica: Replica, input: TaskInput, now: number): TaskView {
  return replica.write((tx) => createTask(tx, input, now));
}

export interface UpdateOutcome {
  task: TaskView;
  /** False when the update changed nothing (and so wrote nothing). */
  changed: boolean;
}

/** Apply `input` to the task `idPrefix` and queue an update op holding only the changed fields. */
export function applyTaskUpdate(tx: WriteTx, idPrefix: string, input: TaskInput, now: number): UpdateOutcome {
  const id = resolveId(tx, spec, idPrefix);
  const current = getTask(tx, id)!;
  const fields = fieldsFromInput(tx, spec, input);
  validate(fields, 'update');
  assertNoCycles(tx, spec, id, fields);
  followStatus(current, fields, now);
  const changed = updateRecord(tx, spec, current, fields, now);
  if (Object.keys(changed).length === 0) return { task: current, changed: false };
  return { task: getTask(tx, id)!, changed: true };
}

/** Update a task and queue its op in one transaction; an update that changes nothing writes nothing. */
export function changeTask(replica: Replica, idPrefix: string, input: TaskInput, now: number): UpdateOutcome {
  return replica.write((tx) => applyTaskUpdate(tx, idPrefix, input, now));
}

export function getTask(store: Store, id: string): TaskView | undefined {
  return store.db.select().from(tasks).where(eq(tasks.id, id)).get();
}

/** Find a task by id prefix; throws UsageError when none or several match. */
export function findTask(store: Store, idPrefix: string): TaskView {
  return getTask(store, resolveId(store, spec, idPrefix))!;
}

/** Orders `list` can sort by; `created` (newest first) is the default. */
export const TASK_SORTS = ['created', 'updated', 'title', 'status'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export interface TaskFilter {
  statuses?: TaskStatus[];
  /** Project name or id. */
  project?: string;
  /** Only tasks with unsynced local changes. */
  pending?: boolean;
  /** Case-insensitive substring of title or description. */
  search?: string;
  limit?: number;
  /** Default: newest first. Times sort newest first, title and status ascending, unless `descending` says otherwise. */
  sort?: { key: TaskSort; descending?: boolean };
}

function orderOf(sort: TaskFilter['sort']): SQL[] {
  const key = sort?.key ?? 'created';
  const descending = sort?.descending ?? (key === 'created' || key === 'updated');
  const dir = descending ? desc : asc;
  const statusRank = sql.join([sql`CASE ${tasks.status}`, ...TASK_STATUSES.map((s, i) => sql` WHEN ${s} THEN ${i}`), sql` END`]);
  const first = { created: tasks.createdAt, updated: tasks.updatedAt, title: sql`${tasks.title} COLLATE NOCASE`, status: statusRank }[key];
  return [dir(first), desc(tasks.createdAt), desc(tasks.id)];
}

/** The filter with its project resolved (throws UsageError for an unknown project). */
function queryOf(store: Store, filter: TaskFilter): TaskQuery {
  return {
    statuses: filter.statuses,
    project: filter.project !== undefined ? resolveProject(store, filter.project) : undefined,
    pending: filter.pending,
    search: filter.search || undefined,
  };
}

/** Whether `sort` is list order (newest first), which the indexes serve without a sort. */
const isListOrder = (sort: TaskFilter['sort']) => sort === undefined || (sort.key === 'created' && sort.descending !== false);

/**
 * Tasks matching `filter`, newest first unless `filter.sort` says otherwise,
 * each filter answered from an index (src/db/task-query.ts); another order
 * sorts the filter's matches. Read-only. Throws UsageError for an unknown project.
 */
export function listTasks(store: Store, filter: TaskFilter = {}): TaskView[] {
  const query = queryOf(store, filter);
  if (isListOrder(filter.sort)) return taskPage(store, query, { limit: filter.limit });
  return sortedTasks(store, query, orderOf(filter.sort), filter.limit);
}

/** How many tasks match `filter` (its limit aside). Read-only. */
export function countTasks(store: Store, filter: TaskFilter = {}): number {
  return countMatches(store, queryOf(store, filter));
}

export { queuedOps } from './outbox.js';
