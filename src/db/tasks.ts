/**
 * Task repository: the services every front end (CLI commands, import, the
 * board) uses to create, change and read tasks. Which fields a person may
 * set, and how, comes from the declaration (src/db/inputs.ts).
 */
import { and, asc, desc, eq, exists, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { v7 as uuidv7 } from 'uuid';
import { projects as projectsDecl, TASK_STATUSES, tasks as tasksDecl, type TaskStatus } from '../schema/tables.js';
import type { Fields } from '../schema/protocol.js';
import { UsageError } from '../errors.js';
import { insertRecord, updateRecord } from './changes.js';
import { assertNoCycles, fieldsFromInput, newRow } from './inputs.js';
import { resolveId } from './lookup.js';
import type { Replica, Store, WriteTx } from './open.js';
import { resolveProject } from './projects.js';
import { specFor } from './registry.js';
import { outbox, tasks } from './schema.js';
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

/** The task column that references projects (from the declaration). */
const projectColumn = (() => {
  const name = tasksDecl.fieldNames.find((n) => {
    const type = tasksDecl.fields[n].type;
    return type.kind === 'ref' && type.table === projectsDecl.name;
  })!;
  return (tasks as unknown as Record<string, SQLiteColumn>)[name]!;
})();

function whereOf(store: Store, filter: TaskFilter): SQL | undefined {
  const where: SQL[] = [];
  if (filter.statuses?.length) where.push(inArray(tasks.status, filter.statuses));
  if (filter.project !== undefined) where.push(eq(projectColumn, resolveProject(store, filter.project)));
  if (filter.pending) {
    const queued = store.db.select({ one: sql`1` }).from(outbox).where(and(eq(outbox.tableName, spec.name), eq(outbox.recordId, tasks.id)));
    where.push(exists(queued));
  }
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(sql`${tasks.title} LIKE ${pattern} ESCAPE '\\'`, sql`${tasks.description} LIKE ${pattern} ESCAPE '\\'`)!);
  }
  return and(...where);
}

function orderOf(sort: TaskFilter['sort']): SQL[] {
  const key = sort?.key ?? 'created';
  const descending = sort?.descending ?? (key === 'created' || key === 'updated');
  const dir = descending ? desc : asc;
  const statusRank = sql.join([sql`CASE ${tasks.status}`, ...TASK_STATUSES.map((s, i) => sql` WHEN ${s} THEN ${i}`), sql` END`]);
  const first = { created: tasks.createdAt, updated: tasks.updatedAt, title: sql`${tasks.title} COLLATE NOCASE`, status: statusRank }[key];
  return [dir(first), desc(tasks.createdAt), desc(tasks.id)];
}

/** Tasks matching `filter`, newest first unless `filter.sort` says otherwise. Read-only. */
export function listTasks(store: Store, filter: TaskFilter = {}): TaskView[] {
  const query = store.db.select().from(tasks).where(whereOf(store, filter)).orderBy(...orderOf(filter.sort));
  return filter.limit !== undefined ? query.limit(filter.limit).all() : query.all();
}

/** How many tasks match `filter` (its limit aside). Read-only. */
export function countTasks(store: Store, filter: TaskFilter = {}): number {
  return store.db.select({ n: sql<number>`count(*)` }).from(tasks).where(whereOf(store, filter)).get()!.n;
}

export { queuedOps } from './outbox.js';
