/**
 * The outbox's storage: which ops are due, the statements the push phase
 * (src/sync/record-results.ts) records results with, and re-queuing failed
 * ops. Hot statements are compiled once per connection: recording results
 * runs per pushed op, and 50,000 ops must stay cheap (and linear).
 */
import { and, asc, eq, getTableColumns, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Fields } from '../schema/protocol.js';
import { enqueueOp, getRecord } from './changes.js';
import type { Replica, Store, WriteTx } from './open.js';
import { refreshSyncStatus } from './record-status.js';
import { pickSynced, specFor, type SyncTableSpec } from './registry.js';
import { outbox, PERSONAL_WORKSPACE, workspaces } from './schema.js';
import { compiled } from './statements.js';
import { decodeFields, toOpView, type OpView } from './views.js';

/** Pending ops of `workspace` (default personal) whose retry time has come, oldest first. Read-only. */
export function duePendingOps(store: Store, limit: number, now: number, workspace: string = PERSONAL_WORKSPACE): OpView[] {
  return store.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, now), eq(outbox.workspaceId, workspace)))
    .orderBy(asc(outbox.seq))
    .limit(limit)
    .all()
    .map(toOpView);
}

/** How many ops of `workspace` (default personal) are pending (due or backing off). Read-only. */
export function pendingOpCount(store: Store, workspace: string = PERSONAL_WORKSPACE): number {
  return store.db.select({ n: sql<number>`count(*)` }).from(outbox).where(and(eq(outbox.state, 'pending'), eq(outbox.workspaceId, workspace))).get()?.n ?? 0;
}

/** How many ops of `workspace` are queued (pending or failed): what a left workspace keeps. Read-only. */
export function queuedOpCount(store: Store, workspace: string): number {
  return store.db.select({ n: sql<number>`count(*)` }).from(outbox).where(eq(outbox.workspaceId, workspace)).get()?.n ?? 0;
}

/**
 * Whether any pending op is due now in a workspace a sync would push: not a
 * left one, and one of `among` (local ids) when given. Read-only; compiled,
 * as the daemon asks often.
 */
export function hasDueOps(store: Store, now: number, among?: readonly string[]): boolean {
  const amongList = sql.placeholder('among');
  const due = compiled(store, 'watch:due', () =>
    store.db
      .select({ seq: outbox.seq })
      .from(outbox)
      .where(
        and(
          eq(outbox.state, 'pending'),
          lte(outbox.nextAttemptAt, sql.placeholder('now')),
          sql`${outbox.workspaceId} NOT IN (SELECT ${workspaces.id} FROM ${workspaces} WHERE ${workspaces.state} = 'left')`,
          sql`(${amongList} IS NULL OR ${outbox.workspaceId} IN (SELECT value FROM json_each(${amongList})))`,
        ),
      )
      .limit(1),
  ).all({ now, among: among === undefined ? null : JSON.stringify(among) });
  return due.length > 0;
}

/** Fields touched by queued ops of the same record with a higher seq than `op` (edits made during a push). */
export function newerQueuedFields(store: Store, op: Pick<OpView, 'recordId' | 'tableName' | 'seq'>): Set<string> {
  const newer = compiled(store, 'outbox:newer', () =>
    store.db
      .select({ fields: outbox.fields })
      .from(outbox)
      .where(and(eq(outbox.recordId, sql.placeholder('recordId')), eq(outbox.tableName, sql.placeholder('tableName')), gt(outbox.seq, sql.placeholder('seq')))),
  ).all<{ fields: string }>({ recordId: op.recordId, tableName: op.tableName, seq: op.seq });
  return new Set(newer.flatMap((row) => Object.keys(decodeFields(row.fields))));
}

/**
 * Fields with queued (pending or failed) local ops, per record, among
 * `recordIds` of one table. Looks up only those records (by the outbox's
 * record index), so a pulled page costs the same with a million queued ops.
 * Read-only.
 */
export function queuedFieldsByRecord(store: Store, tableName: string, recordIds: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  // Under SQLite's default limit of bound parameters per statement.
  const CHUNK = 500;
  for (let i = 0; i < recordIds.length; i += CHUNK) {
    const ids = recordIds.slice(i, i + CHUNK);
    const rows = store.db
      .select({ recordId: outbox.recordId, fields: outbox.fields })
      .from(outbox)
      .where(and(inArray(outbox.recordId, ids), eq(outbox.tableName, tableName)))
      .all();
    for (const row of rows) {
      const set = out.get(row.recordId) ?? new Set<string>();
      for (const field of Object.keys(decodeFields(row.fields))) set.add(field);
      out.set(row.recordId, set);
    }
  }
  return out;
}

/** Delete an acknowledged op. */
export function deleteOp(tx: WriteTx, seq: number): void {
  compiled(tx, 'outbox:delete', () => tx.db.delete(outbox).where(eq(outbox.seq, sql.placeholder('seq')))).run({ seq });
}

/** Record a server rejection of an op: its attempt count, error, state and next attempt time. */
export function markOpRejected(tx: WriteTx, seq: number, outcome: { attempts: number; lastError: string; state: 'pending' | 'failed'; nextAttemptAt: number }): void {
  tx.db.update(outbox).set(outcome).where(eq(outbox.seq, seq)).run();
}

/**
 * Set the record's server version (never backwards) and adopt server-kept
 * field values. One statement per set of adopted fields (almost always the
 * same few sets), so it is compiled once and reused.
 */
export function adoptServerState(tx: WriteTx, spec: SyncTableSpec, recordId: string, version: number, adopt: Fields): void {
  const fields = Object.keys(adopt).sort();
  compiled(tx, `adopt:${spec.name}:${fields.join(',')}`, () => {
    const column = getTableColumns(spec.table).serverVersion!;
    const set: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, sql.placeholder(f)]));
    set.serverVersion = sql`max(coalesce(${column}, 0), ${sql.placeholder('#version')})`;
    return tx.db.update(spec.table).set(set).where(eq(spec.table.id, sql.placeholder('#id')));
  }).run({ ...adopt, '#version': version, '#id': recordId });
}

/**
 * Re-queue failed ops (one by seq, or all) as new ops carrying the record's
 * CURRENT values of the op's fields, so a retry can never undo a later edit.
 * New sequence numbers, because the server already settled the old ones.
 * Returns how many ops were re-queued. Transactional.
 */
export function retryFailedOps(replica: Replica, seq: number | undefined, now: number): number {
  return replica.write((tx) => {
    const failed = failedOps(tx, seq === undefined ? undefined : [seq]);
    for (const op of failed) {
      const spec = specFor(op.tableName);
      const row = getRecord(tx, spec, op.recordId)!;
      const current = pickSynced(spec, row);
      const fields = op.op === 'create' ? current : Object.fromEntries(Object.keys(op.fields).map((f) => [f, current[f] ?? null]));
      tx.db.delete(outbox).where(eq(outbox.seq, op.seq)).run();
      enqueueOp(tx, { op: op.op, tableName: op.tableName, recordId: op.recordId, workspaceId: op.workspaceId, fields, baseVersion: (row.serverVersion as number | null) ?? null, createdAt: now });
      refreshSyncStatus(tx, spec, op.recordId);
    }
    return failed.length;
  });
}

/** Failed ops (all, or those of `seqs`), oldest first (for `convoy retry` and the board). Read-only. */
export function failedOps(store: Store, seqs?: number[]): OpView[] {
  const where = seqs ? and(eq(outbox.state, 'failed'), inArray(outbox.seq, seqs)) : eq(outbox.state, 'failed');
  return store.db.select().from(outbox).where(where).orderBy(asc(outbox.seq)).all().map(toOpView);
}

/** The queued (unsynced) ops of one record, oldest first. Read-only. */
export function queuedOps(store: Store, tableName: string, recordId: string): OpView[] {
  return store.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.tableName, tableName), eq(outbox.recordId, recordId)))
    .orderBy(asc(outbox.seq))
    .all()
    .map(toOpView);
}
