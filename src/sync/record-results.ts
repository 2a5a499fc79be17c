/**
 * Recording what the server said about one pushed batch: the push phase's
 * local half, built on db's outbox statements.
 */
import { adoptServerState, deleteOp, markOpRejected, newerQueuedFields } from '../db/outbox.js';
import type { Replica, WriteTx } from '../db/open.js';
import { refreshSyncStatus } from '../db/record-status.js';
import { hasRecord } from '../db/changes.js';
import { recordConflicts } from '../db/conflicts.js';
import { specFor, withDefaults } from '../db/registry.js';
import type { OpView } from '../db/views.js';
import type { OpResult } from '../schema/protocol.js';
import { backoffMs, effectOfResult } from './conflict.js';

/** Attempts (server rejections) before an op is marked failed. */
export const MAX_ATTEMPTS = 3;

export interface PushTally {
  pushed: number;
  conflicts: number;
  rejected: number;
  failed: number;
  /** Versions of accepted ops whose record this replica now holds at the result's state (a pull need not send them back). */
  known: number[];
}

function recordRejection(tx: WriteTx, op: OpView, reason: string, now: number, tally: PushTally): void {
  const attempts = op.attempts + 1;
  const failed = attempts >= MAX_ATTEMPTS;
  markOpRejected(tx, op.seq, { attempts, lastError: reason, state: failed ? 'failed' : 'pending', nextAttemptAt: now + backoffMs(attempts) });
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
export function recordPushResults(replica: Replica, ops: OpView[], results: OpResult[], now: number): PushTally {
  const bySeq = new Map(results.map((r) => [r.seq, r]));
  return replica.write((tx) => {
    const tally: PushTally = { pushed: 0, conflicts: 0, rejected: 0, failed: 0, known: [] };
    for (const op of ops) {
      const result = bySeq.get(op.seq);
      if (!result) throw new Error(`server returned no result for op #${op.seq}`);
      const spec = specFor(op.tableName);
      if (result.status === 'rejected') recordRejection(tx, op, result.reason, now, tally);
      else {
        const effect = effectOfResult(result, newerQueuedFields(tx, op));
        deleteOp(tx, op.seq);
        adoptServerState(tx, spec, op.recordId, result.version, withDefaults(spec, effect.adopt, false));
        // A record missing locally (a replica rebuilt by convoy doctor) must come back in the pull.
        if (hasRecord(tx, spec, op.recordId)) tally.known.push(result.version);
        recordConflicts(tx, op, effect.conflicts, now);
        tally.pushed++;
        tally.conflicts += effect.conflicts.length;
      }
      refreshSyncStatus(tx, spec, op.recordId);
    }
    return tally;
  });
}
