/**
 * Applying pulled pages to the replica. A page and the cursor that follows it
 * commit in ONE transaction: a crash either keeps both or neither, so a page
 * is never skipped and never half-applied.
 */
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { mergeRemote } from '../sync/conflict.js';
import type { Fields, PullPage } from '../schema/protocol.js';
import type { SyncTableSpec } from '../sync/registry.js';
import { withDefaults } from './changes.js';
import type { Replica } from './open.js';
import { outbox, syncState } from './schema.js';
import { compiled, type Compiled } from './statements.js';

/**
 * The fast path for records without queued local ops: insert, or overwrite
 * every synced field, but only with a newer server version than the row has.
 */
function upsertStatement(replica: Replica, spec: SyncTableSpec): Compiled {
  return compiled(replica, `upsert:${spec.name}`, () => {
    const columns = getTableColumns(spec.table);
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(columns)) values[key] = sql.placeholder(key);
    const set: Record<string, SQL> = {};
    for (const key of [...spec.fields, 'serverVersion']) set[key] = sql.raw(`excluded.${columns[key]!.name}`);
    // A row held by a manual conflict stays flagged until resolved.
    set.syncStatus = sql`CASE WHEN ${columns.syncStatus} = 'conflict' THEN 'conflict' ELSE 'synced' END`;
    const serverVersion = columns.serverVersion!;
    return replica.db
      .insert(spec.table)
      .values(values)
      .onConflictDoUpdate({
        target: spec.table.id,
        set,
        setWhere: sql`${serverVersion} IS NULL OR excluded.${sql.raw(serverVersion.name)} > ${serverVersion}`,
      });
  });
}

/** Fields with queued (pending or failed) local ops, per record of one table. */
function queuedFields(replica: Replica, tableName: string): Map<string, Set<string>> {
  const rows = replica.db.select({ recordId: outbox.recordId, fields: outbox.fields }).from(outbox).where(eq(outbox.tableName, tableName)).all();
  const out = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = out.get(row.recordId) ?? new Set<string>();
    for (const field of Object.keys(JSON.parse(row.fields) as Fields)) set.add(field);
    out.set(row.recordId, set);
  }
  return out;
}

/** Update only the fields without queued ops; the record stays pending. Returns rows changed (0 or 1). */
function mergeInto(replica: Replica, spec: SyncTableSpec, recordId: string, version: number, fields: Fields): number {
  const serverVersion = getTableColumns(spec.table).serverVersion!;
  return replica.db
    .update(spec.table)
    .set({ ...fields, serverVersion: version })
    .where(and(eq(spec.table.id, recordId), sql`(${serverVersion} IS NULL OR ${serverVersion} < ${version})`))
    .run().changes;
}

/**
 * Apply one page of `spec`'s changes and advance the table's cursor, in one
 * transaction. Fields with queued local ops are never overwritten (they win
 * or lose at the next push). Returns how many records it changed locally.
 */
export function applyPulledPage(replica: Replica, spec: SyncTableSpec, page: PullPage, now: number): number {
  return replica.write(() => {
    const queued = queuedFields(replica, spec.name);
    const upsert = upsertStatement(replica, spec);
    let applied = 0;
    for (const change of page.changes) {
      const pending = queued.get(change.recordId);
      const fields = withDefaults(spec, change.fields, true);
      // Our own pushes come back in pulls; they change nothing and are not counted.
      if (pending) applied += mergeInto(replica, spec, change.recordId, change.version, mergeRemote(fields, pending));
      else {
        // Filled in place (no spread): this loop runs once per pulled row.
        fields.id = change.recordId;
        fields.serverId = null;
        fields.serverVersion = change.version;
        fields.syncStatus = 'synced';
        fields.updatedAt = now;
        applied += upsert.run(fields).changes;
      }
    }
    const done = !page.hasMore;
    replica.db
      .insert(syncState)
      .values({ tableName: spec.name, cursor: page.cursor, lastPullAt: now, initialSyncDone: done, lastError: null })
      .onConflictDoUpdate({
        target: syncState.tableName,
        set: { cursor: page.cursor, lastPullAt: now, lastError: null, ...(done ? { initialSyncDone: true } : {}) },
      })
      .run();
    return applied;
  });
}

/** The table's pull cursor (0 before the first pull). Read-only. */
export function pullCursor(replica: Replica, tableName: string): number {
  return replica.db.select({ cursor: syncState.cursor }).from(syncState).where(eq(syncState.tableName, tableName)).get()?.cursor ?? 0;
}

/** The server was reset (its head is behind our cursor): pull everything again. Keeps the outbox. */
export function resetPullCursor(replica: Replica, tableName: string): void {
  replica.db.update(syncState).set({ cursor: 0, initialSyncDone: false }).where(eq(syncState.tableName, tableName)).run();
}

/** Record push/pull bookkeeping for every table after a sync step. */
export function markSyncStep(replica: Replica, tableNames: string[], step: 'push' | 'pull', now: number, error: string | null): void {
  replica.write(() => {
    for (const tableName of tableNames) {
      const set = error === null ? (step === 'push' ? { lastPushAt: now, lastError: null } : { lastPullAt: now, lastError: null }) : { lastError: error };
      replica.db
        .insert(syncState)
        .values({ tableName, ...set })
        .onConflictDoUpdate({ target: syncState.tableName, set })
        .run();
    }
  });
}
