/**
 * The outbox side of sync: which ops are due, what the server said about
 * them, and re-queuing failed ones.
 */
import { and, asc, eq, getTableColumns, gt, inArray, lte, sql } from 'drizzle-orm';
import { backoffMs, effectOfResult } from '../sync/conflict.js';
import type { Fields, OpResult } from '../schema/protocol.js';
import { pickSynced, specFor, type SyncTableSpec } from '../sync/registry.js';
import { enqueueOp, withDefaults } from './changes.js';
import { recordConflicts } from './conflicts.js';
import type { Replica } from './open.js';
import { refreshSyncStatus } from './record-status.js';
import { compiled } from './statements.js';
import { outbox, type OutboxRow } from './schema.js';

/** Attempts (server rejections) before an op is marked failed. */
export const MAX_ATTEMPTS = 3;

/** Pending ops whose retry time has come, oldest first. Read-only. */
export function duePendingOps(replica: Replica, limit: number, now: number): OutboxRow[] {
  return replica.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.seq))
    .limit(limit)
    .all();
}

// Compiled once per connection: recording results runs per pushed op, and
// 50,000 ops must stay cheap (and linear).

/** Whether any pending op is due now. Read-only; compiled, as the daemon asks often. */
export function hasDueOps(replica: Replica, now: number): boolean {
  const due = compiled(replica, 'watch:due', () =>
    replica.db
      .select({ seq: outbox.seq })
      .from(outbox)
      .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, sql.placeholder('now'))))
      .limit(1),
  ).all({ now });
  return due.length > 0;
}

/** Fields touched by queued ops of the same record with a higher seq (edits made during the push). */
function newerPendingFields(replica: Replica, op: OutboxRow): Set<string> {
  const newer = compiled(replica, 'outbox:newer', () =>
    replica.db
      .select({ fields: outbox.fields })
      .from(outbox)
      .where(and(eq(outbox.recordId, sql.placeholder('recordId')), eq(outbox.tableName, sql.placeholder('tableName')), gt(outbox.seq, sql.placeholder('seq')))),
  ).all<{ fields: string }>({ recordId: op.recordId, tableName: op.tableName, seq: op.seq });
  return new Set(newer.flatMap((row) => Object.keys(JSON.parse(row.fields) as Fields)));
}

function deleteOp(replica: Replica, seq: number): void {
  compiled(replica, 'outbox:delete', () => replica.db.delete(outbox).where(eq(outbox.seq, sql.placeholder('seq')))).run({ seq });
}

/**
 * Set the record's server version (never backwards) and adopt server-kept
 * field values. One statement per set of adopted fields (almost always the
 * same few sets), so it is compiled once and reused.
 */
function adoptServerState(replica: Replica, spec: SyncTableSpec, recordId: string, version: number, adopt: Fields): void {
  const fields = Object.keys(adopt).sort();
  compiled(replica, `adopt:${spec.name}:${fields.join(',')}`, () => {
    const column = getTableColumns(spec.table).serverVersion!;
    const set: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, sql.placeholder(f)]));
    set.serverVersion = sql`max(coalesce(${column}, 0), ${sql.placeholder('#version')})`;
    return replica.db.update(spec.table).set(set).where(eq(spec.table.id, sql.placeholder('#id')));
  }).run({ ...adopt, '#version': version, '#id': recordId });
}

export interface PushTally {
  pushed: number;
  conflicts: number;
  rejected: number;
  failed: number;
}

function recordRejection(replica: Replica, op: OutboxRow, reason: string, now: number, tally: PushTally): void {
  const attempts = op.attempts + 1;
  const failed = attempts >= MAX_ATTEMPTS;
  replica.db
    .update(outbox)
    .set({ attempts, lastError: reason, state: failed ? 'failed' : 'pending', nextAttemptAt: now + backoffMs(attempts) })
    .where(eq(outbox.seq, op.seq))
    .run();
  tally.rejected++;
  if (failed) tally.failed++;
}

/**
 * Record the server's per-op results of one pushed batch, in ONE transaction.
 * An accepted op is deleted; its record takes the new server version and any
 * server-kept values — except fields changed locally while the push was in
 * flight (their newer ops stay queued, so nothing typed meanwhile is lost).
 * A rejected op counts an attempt and is failed after MAX_ATTEMPTS.
 * Cost is constant per op (indexed lookups only), so large batches stay linear.
 */
export function recordPushResults(replica: Replica, ops: OutboxRow[], results: OpResult[], now: number): PushTally {
  const bySeq = new Map(results.map((r) => [r.seq, r]));
  return replica.write(() => {
    const tally: PushTally = { pushed: 0, conflicts: 0, rejected: 0, failed: 0 };
    for (const op of ops) {
      const result = bySeq.get(op.seq);
      if (!result) throw new Error(`server returned no result for op #${op.seq}`);
      const spec = specFor(op.tableName);
      if (result.status === 'rejected') recordRejection(replica, op, result.reason, now, tally);
      else {
        const effect = effectOfResult(result, newerPendingFields(replica, op));
        deleteOp(replica, op.seq);
        adoptServerState(replica, spec, op.recordId, result.version, withDefaults(spec, effect.adopt, false));
        recordConflicts(replica, op, effect.conflicts, now);
        tally.pushed++;
        tally.conflicts += effect.conflicts.length;
      }
      refreshSyncStatus(replica, spec, op.recordId);
    }
    return tally;
  });
}

/**
 * Re-queue failed ops (one by seq, or all) as new ops carrying the record's
 * CURRENT values of the op's fields, so a retry can never undo a later edit.
 * New sequence numbers, because the server already settled the old ones.
 * Returns how many ops were re-queued. Transactional.
 */
export function retryFailedOps(replica: Replica, seq: number | undefined, now: number): number {
  return replica.write(() => {
    const where = seq === undefined ? eq(outbox.state, 'failed') : and(eq(outbox.state, 'failed'), eq(outbox.seq, seq));
    const failed = replica.db.select().from(outbox).where(where).orderBy(asc(outbox.seq)).all();
    for (const op of failed) {
      const spec = specFor(op.tableName);
      const row = replica.db.select().from(spec.table).where(eq(spec.table.id, op.recordId)).get() as Record<string, unknown>;
      const current = pickSynced(spec, row);
      const fields = op.op === 'create' ? current : Object.fromEntries(Object.keys(JSON.parse(op.fields) as Fields).map((f) => [f, current[f] ?? null]));
      replica.db.delete(outbox).where(eq(outbox.seq, op.seq)).run();
      enqueueOp(replica, { op: op.op, tableName: op.tableName, recordId: op.recordId, fields, baseVersion: (row.serverVersion as number | null) ?? null, createdAt: now });
      refreshSyncStatus(replica, spec, op.recordId);
    }
    return failed.length;
  });
}

/** Failed ops, oldest first (for `convoy retry` listings and the board). */
export function failedOps(replica: Replica, seqs?: number[]): OutboxRow[] {
  const where = seqs ? and(eq(outbox.state, 'failed'), inArray(outbox.seq, seqs)) : eq(outbox.state, 'failed');
  return replica.db.select().from(outbox).where(where).orderBy(asc(outbox.seq)).all();
}
