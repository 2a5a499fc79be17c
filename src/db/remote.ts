/**
 * Storage for what comes from the server: writing pulled records, the
 * per-table pull cursor and sync-step bookkeeping. The pull phase
 * (src/sync/apply-page.ts) decides what to write; these statements write it.
 */
import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Fields } from '../schema/protocol.js';
import type { Replica, Store, WriteTx } from './open.js';
import type { SyncTableSpec } from './registry.js';
import { PERSONAL_WORKSPACE, syncState } from './schema.js';
import { compiled, type Compiled } from './statements.js';

/**
 * The fast path for records without queued local ops: insert, or overwrite
 * every synced field, but only with a newer server version than the row has.
 * Run it with every column of the table (see `upsertPulled`).
 */
function upsertStatement(tx: WriteTx, spec: SyncTableSpec): Compiled {
  return compiled(tx, `upsert:${spec.name}`, () => {
    const columns = getTableColumns(spec.table);
    const values: Record<string, unknown> = {};
    for (const [key, column] of Object.entries(columns)) if (!column.generated) values[key] = sql.placeholder(key);
    const set: Record<string, SQL> = {};
    // Not the workspace: a record never moves.
    for (const key of [...spec.fields, 'serverVersion']) set[key] = sql.raw(`excluded.${columns[key]!.name}`);
    // A row held by a manual conflict stays flagged until resolved.
    set.syncStatus = sql`CASE WHEN ${columns.syncStatus} = 'conflict' THEN 'conflict' ELSE 'synced' END`;
    const serverVersion = columns.serverVersion!;
    return tx.db
      .insert(spec.table)
      .values(values)
      .onConflictDoUpdate({
        target: spec.table.id,
        set,
        setWhere: sql`${serverVersion} IS NULL OR excluded.${sql.raw(serverVersion.name)} > ${serverVersion}`,
      });
  });
}

/**
 * Insert a pulled record of `workspace` (a local workspace id; '' personal),
 * or overwrite its synced fields when `version` is newer than the row's.
 * `fields` must hold every synced field; it is filled in place with the
 * bookkeeping columns (no copy: this runs once per pulled row). Returns rows
 * changed (0 or 1).
 */
export function upsertPulled(tx: WriteTx, spec: SyncTableSpec, recordId: string, version: number, fields: Fields, now: number, workspace: string = PERSONAL_WORKSPACE): number {
  fields.id = recordId;
  fields.workspaceId = workspace;
  fields.serverId = null;
  fields.serverVersion = version;
  fields.syncStatus = 'synced';
  fields.updatedAt = now;
  return upsertStatement(tx, spec).run(fields).changes;
}

/** Update only `fields` of a record, when `version` is newer than the row's; its sync status stays. Returns rows changed (0 or 1). */
export function mergePulled(tx: WriteTx, spec: SyncTableSpec, recordId: string, version: number, fields: Fields): number {
  const serverVersion = getTableColumns(spec.table).serverVersion!;
  return tx.db
    .update(spec.table)
    .set({ ...fields, serverVersion: version })
    .where(and(eq(spec.table.id, recordId), sql`(${serverVersion} IS NULL OR ${serverVersion} < ${version})`))
    .run().changes;
}

/** Forget the server version the replica holds for `recordIds` (the next pulled state of each applies whatever its version). */
export function forgetServerVersions(tx: WriteTx, spec: SyncTableSpec, recordIds: readonly string[]): void {
  if (recordIds.length === 0) return;
  tx.db.update(spec.table).set({ serverVersion: null }).where(inArray(spec.table.id, [...recordIds])).run();
}

/** Move the pull cursor of the workspace's table to `cursor` (a pulled page's end); `done` records the initial pull as finished. */
export function advancePullCursor(tx: WriteTx, tableName: string, cursor: number, now: number, done: boolean, workspace: string = PERSONAL_WORKSPACE): void {
  tx.db
    .insert(syncState)
    .values({ workspaceId: workspace, tableName, cursor, lastPullAt: now, initialSyncDone: done, lastError: null })
    .onConflictDoUpdate({
      target: [syncState.workspaceId, syncState.tableName],
      set: { cursor, lastPullAt: now, lastError: null, ...(done ? { initialSyncDone: true } : {}) },
    })
    .run();
}

/** The pull cursor of the workspace's table (0 before the first pull). Read-only. */
export function pullCursor(store: Store, tableName: string, workspace: string = PERSONAL_WORKSPACE): number {
  return store.db.select({ cursor: syncState.cursor }).from(syncState).where(stateOf(workspace, tableName)).get()?.cursor ?? 0;
}

const stateOf = (workspace: string, tableName: string) => and(eq(syncState.workspaceId, workspace), eq(syncState.tableName, tableName));

/**
 * The server was reset (its head is behind our cursor): forget the server
 * versions and cursor of the workspace's table so everything is pulled and
 * applied again. Keeps the outbox. Transactional.
 */
export function resetPulledState(replica: Replica, spec: SyncTableSpec, workspace: string = PERSONAL_WORKSPACE): void {
  replica.write((tx) => {
    tx.db.update(spec.table).set({ serverVersion: null }).where(eq(spec.table.workspaceId, workspace)).run();
    tx.db.update(syncState).set({ cursor: 0, initialSyncDone: false }).where(stateOf(workspace, spec.name)).run();
  });
}

/** Record push/pull bookkeeping for every table of the workspace after a sync step. Transactional. */
export function markSyncStep(replica: Replica, tableNames: string[], step: 'push' | 'pull', now: number, error: string | null, workspace: string = PERSONAL_WORKSPACE): void {
  replica.write((tx) => {
    for (const tableName of tableNames) {
      const set = error === null ? (step === 'push' ? { lastPushAt: now, lastError: null } : { lastPullAt: now, lastError: null }) : { lastError: error };
      tx.db
        .insert(syncState)
        .values({ workspaceId: workspace, tableName, ...set })
        .onConflictDoUpdate({ target: [syncState.workspaceId, syncState.tableName], set })
        .run();
    }
  });
}
