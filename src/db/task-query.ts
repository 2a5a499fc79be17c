/**
 * Reading tasks at any replica size: pages in list order (newest first:
 * created_at, then id), counts and positions, each answered from one index
 * range (src/schema/tables.ts declares the indexes; test/db/query-plans.test.ts
 * checks with EXPLAIN QUERY PLAN that none scans the table).
 *
 * A filter on one value of an indexed column is one range of an index that
 * ends in list order, so a page of it is a walk of `limit` entries. A filter
 * on several values (two statuses; a project, whose index is per status; the
 * pending states) is split into one such range per value ("branches"), each
 * read up to the limit and merged. A new filter adds an index ending in
 * (created_at, id) and, if it takes several values, a branch per value.
 *
 * Search goes through the FTS5 trigram index `tasks_fts` (drizzle/0003): any
 * substring of 3 or more characters, case-insensitive. A trigram index cannot
 * look up 1 or 2 characters: such a search tests the newest
 * SHORT_SEARCH_WINDOW tasks of the filtered range with LIKE (one bounded index
 * range, never the whole table), so in a larger replica it finds matches
 * among those only; replicas up to that size see every match.
 */
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { projects as projectsDecl, TASK_STATUSES, tasks as tasksDecl, type TaskStatus } from '../schema/tables.js';
import type { Store } from './open.js';
import { outbox, PERSONAL_WORKSPACE, tasks, taskStatusCounts } from './schema.js';
import { selfSetOf } from './sets.js';
import { FINISHED } from './task-blocked.js';
import type { SyncStatus, TaskView } from './views.js';

/** A task filter with its references resolved. Every part narrows (AND). */
export interface TaskQuery {
  /** The workspace read (its local id; absent: personal, ''). Every index of a list or board read leads with it. */
  workspace?: string;
  statuses?: readonly TaskStatus[];
  /** Only tasks of this project (its id; resolved from a name by the caller). */
  project?: string;
  /** Only tasks with unsynced local changes (queued ops, pending or failed). */
  pending?: boolean;
  /** Case-insensitive substring of title or description. */
  search?: string;
  /** Only tasks holding every one of these set members (sets.ts), e.g. tags. */
  members?: readonly { table: string; value: string }[];
  /** Only tasks whose declared `field` is one of `values` (e.g. a priority). */
  equals?: readonly { field: string; values: readonly string[] }[];
  /** Only tasks whose declared time `field` is set and before `time` (e.g. due). */
  before?: { field: string; time: number };
  /** Only tasks that are (true) or are not (false) blocked (task-blocked.ts). */
  blocked?: boolean;
}

/** A task's place in list order. */
export interface TaskKey {
  createdAt: number;
  id: string;
}

/** Where a page starts: strictly older than `after` (paging down) or strictly newer than `before` (paging up). */
export interface PageRequest {
  limit?: number;
  after?: TaskKey;
  before?: TaskKey;
}

/** The task column that references projects (found by the declaration, not named here). */
const projectColumn = (() => {
  const name = tasksDecl.fieldNames.find((n) => {
    const type = tasksDecl.fields[n].type;
    return type.kind === 'ref' && type.table === projectsDecl.name;
  })!;
  return (tasks as unknown as Record<string, SQLiteColumn>)[name]!;
})();

/** Sync states that mean "has queued ops" (record-status.ts: failed beats pending beats conflict). */
const QUEUED_STATES: readonly SyncStatus[] = ['pending', 'failed'];
const TASKS = tasksDecl.name;
/** The trigram tokenizer indexes 3-character grams: shorter text cannot be looked up. */
export const MIN_INDEXED_SEARCH = 3;
/** How many of the newest tasks a search shorter than MIN_INDEXED_SEARCH looks through. */
export const SHORT_SEARCH_WINDOW = 10_000;

/** One index range: at most one value per multi-valued filter. */
interface Branch {
  status?: TaskStatus;
  syncStatus?: SyncStatus;
}

/** The ranges a query reads: per status when it names several, or when a project (indexed per status) has none; one when a search drives. */
function branches(query: TaskQuery): Branch[] {
  // The search's matches (or the due range) drive (one pass over them), the rest only filters.
  if (drives(query)) return [{}];
  const statuses = query.statuses?.length ? query.statuses : query.project !== undefined ? TASK_STATUSES : undefined;
  if (statuses) return statuses.map((status) => ({ status }));
  if (query.pending) return QUEUED_STATES.map((syncStatus) => ({ syncStatus }));
  return [{}];
}

/** The FTS5 query for `text`: one quoted phrase (a substring for the trigram tokenizer). */
const ftsPhrase = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** The key of the oldest task of the workspace a short search looks at, or undefined when it holds no more than the window. */
function shortSearchFloor(store: Store, workspace: string): TaskKey | undefined {
  return store.db
    .select({ createdAt: tasks.createdAt, id: tasks.id })
    .from(tasks)
    .where(eq(tasks.workspaceId, workspace))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(1)
    .offset(SHORT_SEARCH_WINDOW - 1)
    .get();
}

function searchCondition(store: Store, text: string, workspace: string): SQL | undefined {
  if (searchDrives({ search: text })) {
    return sql`${tasks}.rowid IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ${ftsPhrase(text)})`;
  }
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const floor = shortSearchFloor(store, workspace);
  return and(
    floor ? sql`(${tasks.createdAt}, ${tasks.id}) >= (${floor.createdAt}, ${floor.id})` : undefined,
    sql`(${tasks.title} LIKE ${pattern} ESCAPE '\\' OR ${tasks.description} LIKE ${pattern} ESCAPE '\\')`,
  );
}

/** Whether the search drives the query (through the FTS index) instead of a column index. */
const searchDrives = (query: TaskQuery) => query.search !== undefined && [...query.search].length >= MIN_INDEXED_SEARCH;

/**
 * Whether the query's matches are read from their own index and then sorted:
 * an indexed search, or a time bound (--due-before, --overdue: a range of the
 * time's index, few of all tasks), rather than a walk of list order that
 * would test every task of a status for a rare match.
 */
const drives = (query: TaskQuery) => searchDrives(query) || query.before !== undefined;

function where(store: Store, query: TaskQuery, branch: Branch, extra: (SQL | undefined)[] = []): SQL | undefined {
  // With an indexed search, `+column` keeps SQLite from walking a whole status or
  // project range to test each row against the matches: the matches drive, so a
  // rare word costs the same in a million tasks as in ten.
  const driven = drives(query);
  const is = (column: SQLiteColumn, value: string) => (driven ? sql`+${column} = ${value}` : eq(column, value));
  const parts: (SQL | undefined)[] = [...extra];
  // Every index leads with the workspace; the FTS matches drive past it (`+`), a due range uses it.
  parts.push(searchDrives(query) ? sql`+${tasks.workspaceId} = ${workspaceOf(query)}` : eq(tasks.workspaceId, workspaceOf(query)));
  if (branch.status) parts.push(is(tasks.status, branch.status));
  else if (query.statuses?.length) parts.push(driven ? inArray(sql`+${tasks.status}`, [...query.statuses]) : inArray(tasks.status, [...query.statuses]));
  if (query.project !== undefined) parts.push(is(projectColumn, query.project));
  if (branch.syncStatus) parts.push(is(tasks.syncStatus, branch.syncStatus));
  else if (query.pending) parts.push(inArray(tasks.syncStatus, [...QUEUED_STATES]));
  // The sync status narrows by index; the outbox (by its record index) has the last word.
  if (query.pending) parts.push(sql`EXISTS (SELECT 1 FROM ${outbox} WHERE ${outbox.recordId} = ${tasks.id} AND ${outbox.tableName} = ${TASKS})`);
  if (query.search) parts.push(searchCondition(store, query.search, workspaceOf(query)));
  parts.push(...declaredConditions(query));
  return and(...parts);
}

/** The query's workspace ('' = personal). */
const workspaceOf = (query: TaskQuery) => query.workspace ?? PERSONAL_WORKSPACE;

const columnOf = (field: string) => (tasks as unknown as Record<string, SQLiteColumn>)[field]!;

/**
 * The filters on declared fields and sets: each an index range of its own
 * (a member's owners by the member index, a value by the field's index) or
 * a lookup per task of the range the rest reads (blocked: the task's members
 * by the owner index, each member by id).
 */
function declaredConditions(query: TaskQuery): SQL[] {
  const parts: SQL[] = [];
  for (const { table, value } of query.members ?? []) {
    parts.push(sql`${tasks.id} IN (SELECT owner_id FROM ${sql.identifier(table)} WHERE member = ${value} AND state = 'present')`);
  }
  for (const { field, values } of query.equals ?? []) parts.push(inArray(columnOf(field), [...values]));
  if (query.before) parts.push(sql`${columnOf(query.before.field)} < ${query.before.time}`);
  const self = selfSetOf(TASKS);
  if (query.blocked !== undefined && self) {
    const waiting = sql`EXISTS (SELECT 1 FROM ${sql.identifier(self.spec.name)} m JOIN ${tasks} b ON b.id = m.member
      WHERE m.owner_id = ${tasks.id} AND m.state = 'present' AND b.status NOT IN ${[...FINISHED]})`;
    parts.push(query.blocked ? waiting : sql`NOT ${waiting}`);
  }
  return parts;
}

const olderThan = (key: TaskKey) => sql`(${tasks.createdAt}, ${tasks.id}) < (${key.createdAt}, ${key.id})`;
const newerThan = (key: TaskKey) => sql`(${tasks.createdAt}, ${tasks.id}) > (${key.createdAt}, ${key.id})`;

/** Newest first. */
export const compareKeys = (a: TaskKey, b: TaskKey): number => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** One branch's page, newest first. */
function branchPage(store: Store, query: TaskQuery, branch: Branch, request: PageRequest, offset = 0): TaskView[] {
  const up = request.before !== undefined;
  const bound = request.before ? newerThan(request.before) : request.after ? olderThan(request.after) : undefined;
  // A driving range is sorted, not walked in list order: `+` keeps the list-order index out.
  const created = query.before !== undefined ? sql`+${tasks.createdAt}` : tasks.createdAt;
  const order = up ? [asc(created), asc(tasks.id)] : [desc(created), desc(tasks.id)];
  const base = store.db.select().from(tasks).where(where(store, query, branch, [bound])).orderBy(...order);
  const rows = request.limit !== undefined ? base.limit(request.limit).offset(offset).all() : base.all();
  return up ? rows.reverse() : rows;
}

/**
 * Tasks matching `query` in list order (newest first), at most `limit`,
 * starting after/before a key. Read-only.
 */
export function taskPage(store: Store, query: TaskQuery, request: PageRequest = {}): TaskView[] {
  const parts = branches(query).map((branch) => branchPage(store, query, branch, request));
  if (parts.length === 1) return parts[0]!;
  const merged = parts.flat().sort(compareKeys);
  if (request.limit === undefined) return merged;
  // Paging up keeps the rows nearest the key: the oldest of the newer ones.
  return request.before ? merged.slice(-request.limit) : merged.slice(0, request.limit);
}

/**
 * Tasks matching `query` in `order`, which no index serves (list's --sort):
 * the filter's index range is read, then sorted. At most `limit`. Read-only.
 */
export function sortedTasks(store: Store, query: TaskQuery, order: SQL[], limit?: number): TaskView[] {
  const base = store.db.select().from(tasks).where(where(store, query, {})).orderBy(...order);
  return limit !== undefined ? base.limit(limit).all() : base.all();
}

/** How many tasks match `query` (before `key` in list order, when given). Read-only. */
export function countTasks(store: Store, query: TaskQuery, newerThanKey?: TaskKey): number {
  let total = 0;
  for (const branch of branches(query)) {
    const bound = newerThanKey ? newerThan(newerThanKey) : undefined;
    total += store.db.select({ n: count() }).from(tasks).where(where(store, query, branch, [bound])).get()?.n ?? 0;
  }
  return total;
}

/**
 * Counts per status of the tasks matching `query` (its `statuses` are
 * ignored). Unfiltered: the counters kept by triggers (a few rows);
 * searched: one pass over the matches; otherwise one index range per
 * status. Read-only.
 */
export function countByStatus(store: Store, query: TaskQuery): Record<TaskStatus, number> {
  const out = {} as Record<TaskStatus, number>;
  const declared = query.members?.length || query.equals?.length || query.before || query.blocked !== undefined;
  if (query.project === undefined && !query.pending && !query.search && !declared) {
    for (const status of TASK_STATUSES) out[status] = 0;
    for (const row of store.db.select().from(taskStatusCounts).where(eq(taskStatusCounts.workspaceId, workspaceOf(query))).all()) out[row.status as TaskStatus] = row.n;
    return out;
  }
  if (searchDrives(query)) {
    // The matches drive: read them once, not once per status.
    for (const status of TASK_STATUSES) out[status] = 0;
    const rows = store.db.select({ status: tasks.status, n: count() }).from(tasks).where(where(store, { ...query, statuses: undefined }, {})).groupBy(tasks.status).all();
    for (const row of rows) out[row.status] = row.n;
    return out;
  }
  for (const status of TASK_STATUSES) out[status] = countTasks(store, { ...query, statuses: [status] });
  return out;
}

/**
 * Up to `limit` tasks starting at position `index` of a one-status query
 * (the board's columns), read from whichever end of the range is nearer:
 * cost grows with the distance to the nearer end, so `g` and `G` are
 * instant. `total` is the query's count. Read-only.
 */
export function taskSlice(store: Store, query: TaskQuery & { statuses: [TaskStatus] }, index: number, limit: number, total: number): TaskView[] {
  const branch: Branch = { status: query.statuses[0] };
  const start = Math.max(0, Math.min(index, total - 1));
  if (start <= total - start - limit) return branchPage(store, query, branch, { limit }, start);
  // From the end: the `limit` rows ending at start + limit, read oldest first.
  const fromEnd = Math.max(0, total - start - limit);
  const rows = store.db
    .select()
    .from(tasks)
    .where(where(store, query, branch))
    .orderBy(asc(tasks.createdAt), asc(tasks.id))
    .limit(Math.min(limit, total - start))
    .offset(fromEnd)
    .all();
  return rows.reverse();
}
