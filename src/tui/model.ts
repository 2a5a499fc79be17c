/**
 * What the board can do, as plain functions over the replica: the same
 * services the CLI commands use (every write is row + outbox op in one
 * transaction). Components never touch the Context or the database directly,
 * which keeps them testable with a model on a temp replica.
 */
import type { ConfigStore } from '../config/store.js';
import type { Context } from '../context.js';
import { listConflicts, resolveConflict } from '../db/conflicts.js';
import { dataVersion } from '../db/data-version.js';
import { retryFailedOps } from '../db/outbox.js';
import { listProjects, resolveProject } from '../db/projects.js';
import type { ConflictRow, OutboxRow, TaskRow } from '../db/schema.js';
import { addTask, changeTask, getTask, listTasks, queuedOps } from '../db/tasks.js';
import type { TaskStatus } from '../schema/tables.js';
import { syncOnce, type SyncProgress, type SyncSummary } from '../sync/engine.js';
import { syncOverview, type SyncOverview } from '../sync/overview.js';

export interface TaskDetail {
  task: TaskRow;
  project: string | null;
  parent: string | null;
  /** Queued (unsynced) ops, oldest first. */
  ops: OutboxRow[];
  /** Conflicts seen on this task, oldest first (open and settled). */
  conflicts: ConflictRow[];
}

export interface ConflictItem {
  conflict: ConflictRow;
  /** The record's title or name, for people. */
  label: string;
}

export interface BoardModel {
  /** The project the board is limited to, or null for all tasks. */
  readonly project: { id: string; name: string } | null;
  now(): number;
  /** Changes when another process commits to the replica. */
  version(): number;
  /** Tasks of the board (all statuses), newest first; `search` filters title and description. */
  tasks(search: string): TaskRow[];
  overview(): SyncOverview;
  create(title: string, status: TaskStatus): TaskRow;
  /** Returns false when nothing changed. */
  rename(id: string, title: string): boolean;
  move(id: string, status: TaskStatus): boolean;
  detail(id: string): TaskDetail | null;
  /** Open conflicts, oldest first. */
  conflicts(): ConflictItem[];
  resolve(conflictId: string, take: 'local' | 'remote'): ConflictRow;
  /** Re-queue every failed op; returns how many. */
  retry(): number;
  /** One sync (push, then pull) under the replica's sync lock. Throws like `syncOnce`. */
  sync(onProgress: (progress: SyncProgress) => void): Promise<SyncSummary>;
  /** Settles when no sync started by `sync` is running (so the replica can be closed). */
  idle(): Promise<void>;
}

function projectScope(ctx: Context, project: string | undefined): BoardModel['project'] {
  if (project === undefined) return null;
  const id = resolveProject(ctx.replica(), project);
  const found = listProjects(ctx.replica()).find((p) => p.id === id);
  return { id, name: found?.name ?? project };
}

function recordLabel(ctx: Context, conflict: ConflictRow): string {
  if (conflict.tableName === 'tasks') return getTask(ctx.replica(), conflict.recordId)?.title ?? conflict.recordId;
  return listProjects(ctx.replica()).find((p) => p.id === conflict.recordId)?.name ?? conflict.recordId;
}

function taskDetail(ctx: Context, id: string): TaskDetail | null {
  const replica = ctx.replica();
  const task = getTask(replica, id);
  if (!task) return null;
  return {
    task,
    project: task.projectId ? (listProjects(replica).find((p) => p.id === task.projectId)?.name ?? task.projectId) : null,
    parent: task.parentId ? (getTask(replica, task.parentId)?.title ?? task.parentId) : null,
    ops: queuedOps(replica, 'tasks', id),
    conflicts: listConflicts(replica, { all: true }).filter((c) => c.tableName === 'tasks' && c.recordId === id),
  };
}

function batchSizeOf(config: ConfigStore): number | undefined {
  const value = Number(config.get('sync.batchSize'));
  return Number.isInteger(value) && value >= 1 && value <= 500 ? value : undefined;
}

/**
 * Build the board's model. Throws UsageError (before anything is drawn) when
 * `project` names no project.
 */
export async function createBoardModel(ctx: Context, options: { project?: string } = {}): Promise<BoardModel> {
  const config = await ctx.config();
  const replica = ctx.replica();
  const project = projectScope(ctx, options.project);
  let inflight: Promise<unknown> = Promise.resolve();
  const runSync = async (onProgress: (progress: SyncProgress) => void) => {
    const backend = await ctx.backend();
    return syncOnce(replica, backend, { now: ctx.now, owner: 'convoy board', policies: config.policies(), batchSize: batchSizeOf(config), onProgress });
  };
  return {
    project,
    now: () => ctx.now(),
    version: () => dataVersion(replica),
    tasks: (search) => listTasks(replica, { project: project?.id, search: search || undefined }),
    overview: () => syncOverview(replica, config),
    create: (title, status) => addTask(replica, { title, status, ...(project ? { project: project.id } : {}) }, ctx.now()),
    rename: (id, title) => changeTask(replica, id, { title }, ctx.now()).changed,
    move: (id, status) => changeTask(replica, id, { status }, ctx.now()).changed,
    detail: (id) => taskDetail(ctx, id),
    conflicts: () => listConflicts(replica).map((conflict) => ({ conflict, label: recordLabel(ctx, conflict) })),
    resolve: (conflictId, take) => resolveConflict(replica, conflictId, take, ctx.now()),
    retry: () => retryFailedOps(replica, undefined, ctx.now()),
    sync(onProgress) {
      const run = runSync(onProgress);
      inflight = run.catch(() => undefined);
      return run;
    },
    idle: () => inflight.then(() => undefined),
  };
}
