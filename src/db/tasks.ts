/**
 * Task repository: the services every front end (CLI commands, import, the
 * board) uses to create, change and read tasks.
 */
import { and, asc, desc, eq, exists, inArray, or, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { TaskStatus } from '../schema/tables.js';
import type { Fields } from '../schema/protocol.js';
import { UsageError } from '../errors.js';
import { pickSynced, specFor } from '../sync/registry.js';
import { insertRecord, updateRecord } from './changes.js';
import { resolveId } from './lookup.js';
import type { Replica } from './open.js';
import { resolveProject } from './projects.js';
import { outbox, tasks, type OutboxRow, type TaskRow } from './schema.js';

const spec = specFor('tasks');

/**
 * What a user may set on a task. `project` is a project name or id prefix,
 * `parent` a task id prefix; an empty string clears either.
 */
export interface TaskInput {
  title?: string;
  description?: string;
  status?: string;
  stage?: string;
  project?: string;
  parent?: string;
}

function resolveReferences(replica: Replica, input: TaskInput): Partial<TaskRow> {
  const out: Partial<TaskRow> = {};
  if (input.title !== undefined) out.title = input.title.trim();
  if (input.description !== undefined) out.description = input.description;
  if (input.status !== undefined) out.status = input.status as TaskStatus;
  if (input.stage !== undefined) out.stage = input.stage.trim();
  if (input.project !== undefined) out.projectId = input.project === '' ? null : resolveProject(replica, input.project);
  if (input.parent !== undefined) out.parentId = input.parent === '' ? null : resolveId(replica, spec, input.parent, 'parent');
  return out;
}

function validate(fields: Fields, kind: 'create' | 'update'): void {
  const problem = spec.validate(fields, kind);
  if (problem) throw new UsageError(problem.message);
}

/** `completedAt` follows status: set when a task becomes done, cleared when it leaves done. */
function completedAtFor(previous: Pick<TaskRow, 'status' | 'completedAt'> | null, status: TaskStatus, now: number): number | null {
  if (status !== 'done') return null;
  return previous?.status === 'done' ? previous.completedAt : now;
}

/**
 * Create a task and queue its create op. Not transactional by itself (import
 * batches many); `addTask` wraps it. Throws UsageError on bad input.
 */
export function createTask(replica: Replica, input: TaskInput, now: number, id: string = uuidv7()): TaskRow {
  const fields = resolveReferences(replica, input);
  const status = fields.status ?? 'todo';
  const row: TaskRow = {
    id,
    title: fields.title ?? '',
    description: fields.description ?? '',
    status,
    stage: fields.stage ?? '',
    projectId: fields.projectId ?? null,
    parentId: fields.parentId ?? null,
    completedAt: completedAtFor(null, status, now),
    createdAt: now,
    updatedAt: now,
    serverId: null,
    serverVersion: null,
    syncStatus: 'pending',
  };
  validate(pickSynced(spec, row), 'create');
  insertRecord(replica, spec, row);
  return row;
}

/** Create a task and its op in one transaction. */
export function addTask(replica: Replica, input: TaskInput, now: number): TaskRow {
  return replica.write(() => createTask(replica, input, now));
}

/** Refuse a parent that is the task itself or one of its descendants. */
function assertNoCycle(replica: Replica, taskId: string, parentId: string): void {
  const found = replica.sqlite
    .prepare(
      `WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION SELECT t.parent_id, up.depth + 1 FROM tasks t JOIN up ON t.id = up.id
       WHERE t.parent_id IS NOT NULL AND up.depth < 10000) SELECT 1 FROM up WHERE id = ? LIMIT 1`,
    )
    .get(parentId, taskId);
  if (found) {
    throw new UsageError(`parent ${parentId} would make a cycle (it is ${taskId} itself or one of its subtasks); choose another parent`);
  }
}

export interface UpdateOutcome {
  task: TaskRow;
  /** False when the update changed nothing (and so wrote nothing). */
  changed: boolean;
}

/**
 * Apply `input` to the task `idPrefix` and queue an update op holding only the
 * changed fields. Not transactional by itself; `changeTask` wraps it.
 */
export function applyTaskUpdate(replica: Replica, idPrefix: string, input: TaskInput, now: number): UpdateOutcome {
  const id = resolveId(replica, spec, idPrefix);
  const current = getTask(replica, id)!;
  const fields = resolveReferences(replica, input);
  validate(fields as Fields, 'update');
  if (fields.parentId) assertNoCycle(replica, id, fields.parentId);
  if (fields.status !== undefined) fields.completedAt = completedAtFor(current, fields.status, now);
  const changed = updateRecord(replica, spec, current, fields, now);
  if (Object.keys(changed).length === 0) return { task: current, changed: false };
  return { task: getTask(replica, id)!, changed: true };
}

/** Update a task and queue its op in one transaction; an update that changes nothing writes nothing. */
export function changeTask(replica: Replica, idPrefix: string, input: TaskInput, now: number): UpdateOutcome {
  return replica.write(() => applyTaskUpdate(replica, idPrefix, input, now));
}

export function getTask(replica: Replica, id: string): TaskRow | undefined {
  return replica.db.select().from(tasks).where(eq(tasks.id, id)).get();
}

/** Find a task by id prefix; throws UsageError when none or several match. */
export function findTask(replica: Replica, idPrefix: string): TaskRow {
  return getTask(replica, resolveId(replica, spec, idPrefix))!;
}

export interface TaskFilter {
  statuses?: TaskStatus[];
  /** Project name or id prefix. */
  project?: string;
  /** Only tasks with unsynced local changes. */
  pending?: boolean;
  /** Case-insensitive substring of title or description. */
  search?: string;
  limit?: number;
}

/** Tasks matching `filter`, newest first. Read-only. */
export function listTasks(replica: Replica, filter: TaskFilter = {}): TaskRow[] {
  const where: SQL[] = [];
  if (filter.statuses?.length) where.push(inArray(tasks.status, filter.statuses));
  if (filter.project !== undefined) where.push(eq(tasks.projectId, resolveProject(replica, filter.project)));
  if (filter.pending) {
    const queued = replica.db.select({ one: sql`1` }).from(outbox).where(and(eq(outbox.tableName, 'tasks'), eq(outbox.recordId, tasks.id)));
    where.push(exists(queued));
  }
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(sql`${tasks.title} LIKE ${pattern} ESCAPE '\\'`, sql`${tasks.description} LIKE ${pattern} ESCAPE '\\'`)!);
  }
  const query = replica.db.select().from(tasks).where(and(...where)).orderBy(desc(tasks.createdAt), desc(tasks.id));
  return filter.limit !== undefined ? query.limit(filter.limit).all() : query.all();
}

/** The queued (unsynced) ops of one record, oldest first. */
export function queuedOps(replica: Replica, tableName: string, recordId: string): OutboxRow[] {
  return replica.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.tableName, tableName), eq(outbox.recordId, recordId)))
    .orderBy(asc(outbox.seq))
    .all();
}
