/**
 * What the board can do, as plain functions over the replica: the same
 * services the CLI commands use (every write is row + outbox op in one
 * transaction). Components never touch the Context or the database directly,
 * which keeps them testable with a model on a temp replica.
 */
import { openConfigReadOnly } from '../config/read-only.js';
import type { ConfigStore } from '../config/store.js';
import type { Context } from '../context.js';
import { conflictViews, resolveConflict } from '../db/conflicts.js';
import { dataVersion } from '../db/data-version.js';
import { recordTitle } from '../db/lookup.js';
import { retryFailedOps } from '../db/outbox.js';
import { listProjects, resolveProject } from '../db/projects.js';
import { countByStatus, countTasks, taskPage, taskSlice, type PageRequest, type TaskKey, type TaskQuery } from '../db/task-query.js';
import { createNote, notesOf, type NoteView } from '../db/notes.js';
import { addTask, changeTask, findTask, getTask, queuedOps, withDetails } from '../db/tasks.js';
import type { ConflictView, OpView, TaskView } from '../db/views.js';
import { PERSONAL_WORKSPACE_NAME } from '../schema/protocol.js';
import { tasks as tasksDecl, type TaskStatus } from '../schema/tables.js';
import { syncOnce, type SyncProgress, type SyncSummary } from '../sync/engine.js';
import { syncOverview, type SyncOverview } from '../sync/overview.js';
import { MAX_BATCH_SIZE } from '../sync/push.js';

export interface TaskDetail {
  task: TaskView;
  /** Each set reference (by field name) as people know its target: its title or name, else its id. */
  refs: Record<string, string>;
  /** Queued (unsynced) ops, oldest first. */
  ops: OpView[];
  /** Conflicts seen on this task, oldest first (open and settled). */
  conflicts: ConflictView[];
  /** Its notes, oldest first. */
  notes: NoteView[];
  /** The tasks it is blocked by, as people know them (title, else id). */
  blockers: string[];
}

export interface ConflictItem {
  conflict: ConflictView;
  /** The record's title or name, for people. */
  label: string;
}

/** The workspace a board shows: its local id ('' personal) and name. */
export interface BoardWorkspace {
  id: string;
  name: string;
}

export interface BoardModel {
  /** The workspace shown (every read is limited to it; new tasks go to it). */
  readonly workspace: BoardWorkspace;
  /** The project the board is limited to, or null for all tasks. */
  readonly project: { id: string; name: string } | null;
  now(): number;
  /** Changes when another process commits to the replica. */
  version(): number;
  /**
   * The board's reads, each a few index ranges whatever the replica's size.
   * `search` ('' = none) filters title and description; every read is
   * limited to the board's project. Counts of every status:
   */
  counts(search: string): Record<TaskStatus, number>;
  /** A page of one column, newest first, after or before a card's key. */
  page(status: TaskStatus, search: string, request: PageRequest): TaskView[];
  /** Up to `limit` cards of one column from position `index` (`total`: the column's count). */
  slice(status: TaskStatus, search: string, index: number, limit: number, total: number): TaskView[];
  /** The position in its column of the card with `key` (how many cards are newer). */
  rank(status: TaskStatus, search: string, key: TaskKey): number;
  /** One task, or undefined. */
  task(id: string): TaskView | undefined;
  overview(): SyncOverview;
  create(title: string, status: TaskStatus): TaskView;
  /** Returns false when nothing changed. */
  rename(id: string, title: string): boolean;
  move(id: string, status: TaskStatus): boolean;
  /** Add a tag (one word); returns false when the task already has it. Throws UsageError for a bad tag. */
  tag(id: string, tag: string): boolean;
  /** Add a note to the task. Throws UsageError for an empty or too long note. */
  note(id: string, text: string): void;
  detail(id: string): TaskDetail | null;
  /** Open conflicts, oldest first. */
  conflicts(): ConflictItem[];
  resolve(conflictId: string, take: 'local' | 'remote'): ConflictView;
  /** Re-queue every failed op; returns how many. */
  retry(): number;
  /** One sync (push, then pull) under the replica's sync lock. Throws like `syncOnce`. */
  sync(onProgress: (progress: SyncProgress) => void): Promise<SyncSummary>;
  /** Settles when no sync started by `sync` is running (so the replica can be closed). */
  idle(): Promise<void>;
}

function projectScope(ctx: Context, project: string | undefined, workspace: string): BoardModel['project'] {
  if (project === undefined) return null;
  const id = resolveProject(ctx.replica(), project, 'project', workspace);
  const found = listProjects(ctx.replica()).find((p) => p.id === id);
  return { id, name: found?.name ?? project };
}

function recordLabel(ctx: Context, conflict: ConflictView): string {
  return recordTitle(ctx.replica(), conflict.tableName, conflict.recordId) ?? conflict.recordId;
}

/** The targets of a task's set references, by field name (from the declaration). */
function refTitles(ctx: Context, task: TaskView): Record<string, string> {
  const values = task as unknown as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const name of tasksDecl.fieldNames) {
    const type = tasksDecl.fields[name].type;
    const id = values[name];
    if (type.kind === 'ref' && typeof id === 'string') out[name] = recordTitle(ctx.replica(), type.table, id) ?? id;
  }
  return out;
}

function taskDetail(ctx: Context, id: string): TaskDetail | null {
  const replica = ctx.replica();
  const task = getTask(replica, id);
  if (!task) return null;
  return {
    task,
    refs: refTitles(ctx, task),
    ops: queuedOps(replica, tasksDecl.name, id),
    conflicts: conflictViews(replica, { all: true }).filter((c) => c.tableName === tasksDecl.name && c.recordId === id),
    notes: notesOf(replica, id),
    blockers: (task.blockedBy ?? []).map((blocker) => recordTitle(replica, tasksDecl.name, blocker) ?? blocker),
  };
}

function batchSizeOf(config: ConfigStore): number | undefined {
  const value = Number(config.get('sync.batchSize'));
  return Number.isInteger(value) && value >= 1 && value <= MAX_BATCH_SIZE ? value : undefined;
}

/**
 * Build the board's model. Throws UsageError (before anything is drawn) when
 * `project` names no project.
 */
export async function createBoardModel(ctx: Context, options: { project?: string; workspace?: BoardWorkspace } = {}): Promise<BoardModel> {
  // Read-only settings: the board starts without loading the config library (a sync loads it for the backend).
  const config = openConfigReadOnly(ctx.paths, ctx.env, (message) => ctx.reporter.note(message));
  const replica = ctx.replica();
  const workspace = options.workspace ?? { id: '', name: PERSONAL_WORKSPACE_NAME };
  const project = projectScope(ctx, options.project, workspace.id);
  let inflight: Promise<unknown> = Promise.resolve();
  const query = (search: string, status?: TaskStatus): TaskQuery => ({
    workspace: workspace.id,
    project: project?.id,
    search: search || undefined,
    statuses: status ? [status] : undefined,
  });
  const runSync = async (onProgress: (progress: SyncProgress) => void) => {
    const backend = await ctx.backend();
    return syncOnce(replica, backend, { now: ctx.now, owner: 'convoy board', policies: config.policies(), batchSize: batchSizeOf(config), onProgress });
  };
  return {
    workspace,
    project,
    now: () => ctx.now(),
    version: () => dataVersion(replica),
    counts: (search) => countByStatus(replica, query(search)),
    // Cards show tags and the blocked state: the window's rows get their details (a few lookups per window).
    page: (status, search, request) => withDetails(replica, taskPage(replica, query(search, status), request)),
    slice: (status, search, index, limit, total) => withDetails(replica, taskSlice(replica, { ...query(search), statuses: [status] }, index, limit, total)),
    rank: (status, search, key) => countTasks(replica, query(search, status), key),
    task: (id) => getTask(replica, id),
    overview: () => syncOverview(replica, config.backendInfo()),
    create: (title, status) => addTask(replica, { title, status, workspace: workspace.id, ...(project ? { project: project.id } : {}) }, ctx.now()),
    rename: (id, title) => changeTask(replica, id, { title }, ctx.now()).changed,
    move: (id, status) => changeTask(replica, id, { status }, ctx.now()).changed,
    tag: (id, tag) => changeTask(replica, id, { tag: [tag] }, ctx.now()).changed,
    note: (id, text) => void replica.write((tx) => createNote(tx, findTask(tx, id).id, text, ctx.now())),
    detail: (id) => taskDetail(ctx, id),
    conflicts: () => conflictViews(replica).map((conflict) => ({ conflict, label: recordLabel(ctx, conflict) })),
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
