/**
 * Task repository: the services every front end (CLI commands, import, the
 * board) uses to create, change and read tasks. Which fields a person may
 * set, and how, comes from the declaration (src/db/inputs.ts).
 */
import { asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { v7 as uuidv7 } from 'uuid';
import { TASK_STATUSES, tasks as tasksDecl, type TaskStatus } from '../schema/tables.js';
import type { Fields } from '../schema/protocol.js';
import { UsageError } from '../errors.js';
import { insertRecord, recordWorkspace, updateRecord } from './changes.js';
import { assertNoCycles, fieldsFromInput, newRow, type RawInput } from './inputs.js';
import { resolveId } from './lookup.js';
import type { Replica, Store, WriteTx } from './open.js';
import { resolveProject } from './projects.js';
import { specFor } from './registry.js';
import { PERSONAL_WORKSPACE } from './sync-columns.js';
import { tasks } from './schema.js';
import { attachSets, changeMembers, flagOf, memberValues, selfSetOf, setsOf, wouldCycle } from './sets.js';
import { attachBlocked } from './task-blocked.js';
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

/**
 * Add and remove the members of each set-valued field the input names
 * (--tag/--untag, --blocked-by/--unblock: sets.ts), refusing a member that
 * would make a cycle of a set of the task's own table. Returns whether any
 * member record was written.
 */
function changeSets(tx: WriteTx, id: string, input: TaskInput, now: number): boolean {
  const raw = input as RawInput;
  let changed = false;
  for (const s of setsOf(spec.name)) {
    const typed = (option: string) => (raw[option] as readonly string[] | undefined) ?? [];
    if (typed(s.set.add).length === 0 && typed(s.set.remove).length === 0) continue;
    // Members name records of the task's own workspace.
    const workspace = recordWorkspace(tx, spec, id);
    const list = (option: string) => memberValues(tx, s, option, typed(option), workspace);
    const [adds, removals] = [list(s.set.add), list(s.set.remove)];
    if (adds.length === 0 && removals.length === 0) continue;
    const cycle = s === selfSetOf(spec.name) ? wouldCycle(tx, s, id, adds) : undefined;
    if (cycle !== undefined) {
      const flag = `--${flagOf(s.set.add)}`;
      throw new UsageError(`${flag} ${cycle} would make a cycle (it is the ${spec.noun} itself or waits for it); choose another ${flag}`);
    }
    changed = changeMembers(tx, s, id, adds, removals, now) || changed;
  }
  return changed;
}

/** Tasks with their set-valued fields and whether they are blocked (read-only; returns `rows`). */
export function withDetails<T extends TaskView>(store: Store, rows: T[]): T[] {
  return attachBlocked(store, attachSets(store, spec.name, rows));
}

/** Create a task and queue its create op (and one per set member). Throws UsageError on bad input. */
export function createTask(tx: WriteTx, input: TaskInput, now: number, id: string = uuidv7(), times: TaskTimes = {}): TaskView {
  const fields = fieldsFromInput(tx, spec, input, now, input.workspace);
  const row = newRow(spec, id, fields, now, input.workspace);
  followStatus(null, row, now);
  Object.assign(row, times);
  validate(Object.fromEntries(spec.fields.map((f) => [f, row[f]!])), 'create');
  insertRecord(tx, spec, row);
  const task = row as unknown as TaskView;
  if (changeSets(tx, id, input, now)) return withDetails(tx, [task])[0]!;
  // A new task without members: nothing to read (add stays one insert and its op).
  for (const s of setsOf(spec.name)) (task as unknown as Record<string, unknown>)[s.set.field] = [];
  return Object.assign(task, { blocked: false });
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
  const fields = fieldsFromInput(tx, spec, input, now, current.workspaceId);
  validate(fields, 'update');
  assertNoCycles(tx, spec, id, fields);
  followStatus(current, fields, now);
  const changed = Object.keys(updateRecord(tx, spec, current, fields, now)).length > 0;
  const setsChanged = changeSets(tx, id, input, now);
  if (!changed && !setsChanged) return { task: current, changed: false };
  return { task: getTask(tx, id)!, changed: true };
}

/** Update a task and queue its op in one transaction; an update that changes nothing writes nothing. */
export function changeTask(replica: Replica, idPrefix: string, input: TaskInput, now: number): UpdateOutcome {
  return replica.write((tx) => applyTaskUpdate(tx, idPrefix, input, now));
}

/** The task `id` with its sets and blocked state, or undefined. Read-only. */
export function getTask(store: Store, id: string): TaskView | undefined {
  const row = store.db.select().from(tasks).where(eq(tasks.id, id)).get();
  return row === undefined ? undefined : withDetails(store, [row])[0];
}

/** Find a task by id prefix; throws UsageError when none or several match. */
export function findTask(store: Store, idPrefix: string): TaskView {
  return getTask(store, resolveId(store, spec, idPrefix))!;
}

/** Declared fields `list` can sort by, by input name: the enums (declared order) and times people set (e.g. due, priority). */
const SORTABLE = new Map(
  spec.fields.flatMap((name) => {
    const decl = spec.decl.fields[name]!;
    return decl.input !== null && name !== 'status' && (decl.type.kind === 'enum' || decl.type.kind === 'time') ? [[decl.input, name] as const] : [];
  }),
);
/** Orders `list` can sort by; `created` (newest first) is the default. */
export const TASK_SORTS: readonly string[] = ['created', 'updated', 'title', 'status', ...SORTABLE.keys()];
export type TaskSort = string;

export interface TaskFilter {
  /** The workspace listed (its local id; absent: personal, ''). */
  workspace?: string;
  statuses?: TaskStatus[];
  /** Project name or id. */
  project?: string;
  /** Only tasks with unsynced local changes. */
  pending?: boolean;
  /** Case-insensitive substring of title or description. */
  search?: string;
  /** Set members every task must hold, by the set's add option (e.g. { tag: ['home'] }). */
  members?: Record<string, readonly string[] | undefined>;
  /** Declared enum values by input name (e.g. a priority), several: any of them. */
  equals?: Record<string, readonly string[] | undefined>;
  /** Only tasks whose declared time (by input name) is before `time`. */
  before?: { input: string; time: number };
  blocked?: boolean;
  limit?: number;
  /** Default: newest first. Times sort newest first, title and status ascending, unless `descending` says otherwise. */
  sort?: { key: TaskSort; descending?: boolean };
}

function orderOf(sort: TaskFilter['sort']): SQL[] {
  const key = sort?.key ?? 'created';
  const descending = sort?.descending ?? (key === 'created' || key === 'updated');
  const dir = descending ? desc : asc;
  const rank = (column: SQL | SQLiteColumn, values: readonly string[]) => sql.join([sql`CASE ${column}`, ...values.map((s, i) => sql` WHEN ${s} THEN ${i}`), sql` END`]);
  const declared = SORTABLE.get(key);
  if (declared !== undefined) {
    const column = (tasks as unknown as Record<string, SQLiteColumn>)[declared]!;
    const type = spec.decl.fields[declared]!.type;
    // Unset values last, either direction.
    return [asc(sql`${column} IS NULL`), dir(type.kind === 'enum' ? rank(column, type.values) : column), desc(tasks.createdAt), desc(tasks.id)];
  }
  const fixed = { created: tasks.createdAt, updated: tasks.updatedAt, title: sql`${tasks.title} COLLATE NOCASE`, status: rank(tasks.status, TASK_STATUSES) };
  return [dir(fixed[key as keyof typeof fixed]), desc(tasks.createdAt), desc(tasks.id)];
}

/** The filter with its project resolved (throws UsageError for an unknown project). */
function queryOf(store: Store, filter: TaskFilter): TaskQuery {
  return {
    workspace: filter.workspace,
    statuses: filter.statuses,
    project: filter.project !== undefined ? resolveProject(store, filter.project, 'project', filter.workspace ?? PERSONAL_WORKSPACE) : undefined,
    pending: filter.pending,
    search: filter.search || undefined,
    members: setsOf(spec.name).flatMap((s) => (filter.members?.[s.set.add] ?? []).map((value) => ({ table: s.spec.name, value }))),
    equals: Object.entries(filter.equals ?? {}).flatMap(([input, values]) => (values?.length ? [{ field: fieldOfInput(input), values }] : [])),
    before: filter.before && { field: fieldOfInput(filter.before.input), time: filter.before.time },
    blocked: filter.blocked,
  };
}

/** The declared field a person names by `input` (a programming error when there is none). */
function fieldOfInput(input: string): string {
  const found = spec.fields.find((name) => spec.decl.fields[name]!.input === input);
  if (found === undefined) throw new Error(`no task field with input name ${input}`);
  return found;
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
  if (isListOrder(filter.sort)) return withDetails(store, taskPage(store, query, { limit: filter.limit }));
  return withDetails(store, sortedTasks(store, query, orderOf(filter.sort), filter.limit));
}

/** How many tasks match `filter` (its limit aside). Read-only. */
export function countTasks(store: Store, filter: TaskFilter = {}): number {
  return countMatches(store, queryOf(store, filter));
}

export { queuedOps } from './outbox.js';
