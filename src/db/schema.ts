/**
 * The local replica's schema: the synced tables generated from their
 * declarations, plus the hand-written sync machinery (outbox, sync state,
 * conflicts, meta). drizzle-kit generates the migrations in `drizzle/` from
 * this file (`npm run db:generate`); never edit those by hand.
 * Times are epoch milliseconds (integers): cheap to compare and sort.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { PERSONAL_WORKSPACE } from './sync-columns.js';

export { PERSONAL_WORKSPACE, SYNC_STATUSES, type SyncStatus } from './sync-columns.js';
// The synced tables are generated from their declarations (src/schema/tables.ts).
export * from './tables.generated.js';
export const OUTBOX_STATES = ['pending', 'failed'] as const;

/**
 * One row per local change, written in the same transaction as the change.
 * Rows are immutable once written (except attempt bookkeeping): a later edit
 * appends a new op, so an op in flight can never silently absorb a newer one.
 * A pushed op is deleted once the server acknowledged it.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    /** Per-replica increasing sequence number (the idempotency key with the client id). */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    op: text('op', { enum: ['create', 'update'] }).notNull(),
    tableName: text('table_name').notNull(),
    recordId: text('record_id').notNull(),
    /** The record's workspace ('' = personal): a push sends one workspace's ops. */
    workspaceId: text('workspace_id').notNull().default(PERSONAL_WORKSPACE),
    /** JSON object of the changed synced fields only. */
    fields: text('fields').notNull(),
    baseVersion: integer('base_version'),
    createdAt: integer('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    lastError: text('last_error'),
    state: text('state', { enum: OUTBOX_STATES }).notNull().default('pending'),
  },
  // Due ops are read in seq (rowid) order, so only per-record lookups need an index.
  (t) => [index('outbox_record_idx').on(t.recordId)],
);

/**
 * How many outbox ops are in each state, kept in step with the outbox by
 * triggers (drizzle/0003_search_and_counts.sql) in the transaction that
 * changes it: `convoy status` and the board read two rows instead of
 * counting a queue that may hold a million ops.
 */
export const outboxCounts = sqliteTable('outbox_counts', {
  state: text('state', { enum: OUTBOX_STATES }).primaryKey(),
  n: integer('n').notNull().default(0),
});

/**
 * How many tasks of each workspace have each status, kept in step with the
 * tasks by triggers (drizzle/0009_workspace_counts_after.sql): the board's
 * column counts without a project or a filter, whatever the replica's size.
 */
export const taskStatusCounts = sqliteTable(
  'task_status_counts',
  {
    workspaceId: text('workspace_id').notNull().default(PERSONAL_WORKSPACE),
    status: text('status').notNull(),
    n: integer('n').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.status] })],
);

/**
 * Set only inside a bulk write (an import, a pulled page; src/db/search-index.ts)
 * and cleared before it commits: tasks with a rowid above `after_rowid` skip the
 * per-row search-index triggers (drizzle/0005) and are indexed in one statement
 * at the end of the same transaction. Empty at rest.
 */
export const searchIndexDeferral = sqliteTable('search_index_deferral', {
  afterRowid: integer('after_rowid').notNull(),
});

/** Sync state per (workspace, table): each workspace has its own change counter on the server. */
export const syncState = sqliteTable(
  'sync_state',
  {
    workspaceId: text('workspace_id').notNull().default(PERSONAL_WORKSPACE),
    tableName: text('table_name').notNull(),
    /** Server change-counter value of the last applied pulled change. */
    cursor: integer('cursor').notNull().default(0),
    initialSyncDone: integer('initial_sync_done', { mode: 'boolean' }).notNull().default(false),
    lastPushAt: integer('last_push_at'),
    lastPullAt: integer('last_pull_at'),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.tableName] })],
);

export const WORKSPACE_ROLES = ['owner', 'member'] as const;
export const WORKSPACE_STATES = ['active', 'left'] as const;

/**
 * The workspaces this replica knows: always the personal one (id ''), and
 * those the server listed (pullAll's `workspaces`, the workspace commands).
 * One the server no longer lists is `left`: its records stay, read-only,
 * until `convoy workspace forget`.
 */
export const workspaces = sqliteTable('workspaces', {
  /** '' for the personal workspace, else the server's id. */
  id: text('id').primaryKey(),
  /** The server's id (for personal: the user id, once a sync learned it). */
  serverId: text('server_id'),
  name: text('name').notNull(),
  role: text('role', { enum: WORKSPACE_ROLES }).notNull(),
  personal: integer('personal', { mode: 'boolean' }).notNull().default(false),
  state: text('state', { enum: WORKSPACE_STATES }).notNull().default('active'),
  updatedAt: integer('updated_at').notNull(),
});

export const conflicts = sqliteTable(
  'conflicts',
  {
    id: text('id').primaryKey(),
    tableName: text('table_name').notNull(),
    recordId: text('record_id').notNull(),
    field: text('field').notNull(),
    /** JSON-encoded values of both sides. */
    localValue: text('local_value'),
    remoteValue: text('remote_value'),
    policy: text('policy').notNull(),
    /** The user whose replica (or web call) last wrote the remote value (the server's `remoteWriter`), when known: id and name. */
    remoteWriterId: text('remote_writer_id'),
    remoteWriterName: text('remote_writer_name'),
    /** Which side the policy kept: local, remote, or pending (manual, until resolved). */
    winner: text('winner').notNull(),
    resolved: integer('resolved', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
  },
  (t) => [index('conflicts_open_idx').on(t.resolved, t.createdAt), index('conflicts_record_idx').on(t.tableName, t.recordId)],
);

/** Replica-wide key/value facts: the client id, daemon heartbeat. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`),
});

/**
 * What `convoy undo` needs to revert a local change, written in the same
 * transaction as the change: one row per record written, grouped by `batch`
 * (one write transaction: a command, or a whole import).
 */
export const undoLog = sqliteTable(
  'undo_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** Entries written by one transaction share a batch; undo reverts a whole batch. */
    batch: integer('batch').notNull(),
    op: text('op', { enum: ['create', 'update'] }).notNull(),
    tableName: text('table_name').notNull(),
    recordId: text('record_id').notNull(),
    /** The outbox op the change queued: still there = not pushed yet. */
    opSeq: integer('op_seq').notNull(),
    /** JSON: for an update, the previous values of the changed fields plus updatedAt and syncStatus; null for a create. */
    previous: text('previous'),
    createdAt: integer('created_at').notNull(),
    undoneAt: integer('undone_at'),
  },
  (t) => [index('undo_log_batch_idx').on(t.batch)],
);

export type OutboxRow = typeof outbox.$inferSelect;
export type ConflictRow = typeof conflicts.$inferSelect;
export type WorkspaceRow = typeof workspaces.$inferSelect;
export type UndoRow = typeof undoLog.$inferSelect;
