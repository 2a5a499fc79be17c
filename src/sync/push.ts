/**
 * Push: send due outbox ops in sequence order, in batches, and record the
 * server's per-op results (one local transaction per batch).
 */
import type { Replica } from '../db/open.js';
import { duePendingOps, pendingOpCount } from '../db/outbox.js';
import { clientId } from '../db/sync-state.js';
import type { OpView } from '../db/views.js';
import { defaultPolicies } from '../schema/registry.js';
import type { ConflictPolicy, PushBatch, SyncTableName } from '../schema/protocol.js';
import type { Backend } from './backend.js';
import { recordPushResults, type PushTally } from './record-results.js';
import { withTransientRetry } from './retry.js';

export type PolicyOverrides = Partial<Record<SyncTableName, ConflictPolicy>>;

export const DEFAULT_BATCH_SIZE = 200;
/** Convex's per-transaction limits allow more, but 500 keeps every batch well inside them. */
export const MAX_BATCH_SIZE = 500;

export interface PushOptions {
  batchSize: number;
  now: () => number;
  /** Conflict policies chosen by the user (config `policy.<table>`), over the registry's defaults. */
  policies?: PolicyOverrides;
  /** Called after each batch with ops done so far and the total queued at the start. */
  onBatch?: (done: number, total: number) => void;
}

export interface PushSummary extends Omit<PushTally, 'known'> {
  batches: number;
  /** The server versions of accepted ops whose state the replica now holds (a pull need not send them back). */
  knownVersions: number[];
}

/** The wire batch of `ops` (collected by `duePendingOps`), with the tables' policies. Pure. */
export function toPushBatch(client: string, ops: OpView[], overrides: PolicyOverrides = {}): PushBatch {
  return {
    clientId: client,
    policies: { ...defaultPolicies(), ...(overrides as Record<SyncTableName, ConflictPolicy>) },
    ops: ops.map((op) => ({
      seq: op.seq,
      table: op.tableName as SyncTableName,
      recordId: op.recordId,
      kind: op.op,
      fields: op.fields,
      baseVersion: op.baseVersion,
      clientTime: op.createdAt,
    })),
  };
}

/**
 * Push every due op. Throws BackendError when the backend is offline or keeps
 * failing (ops already acknowledged stay recorded; the rest stay queued).
 */
export async function pushAll(replica: Replica, backend: Backend, options: PushOptions): Promise<PushSummary> {
  const summary: PushSummary = { pushed: 0, conflicts: 0, rejected: 0, failed: 0, batches: 0, knownVersions: [] };
  const client = clientId(replica);
  const total = pendingOpCount(replica);
  for (;;) {
    const ops = duePendingOps(replica, options.batchSize, options.now());
    if (ops.length === 0) break;
    const { results } = await withTransientRetry(() => backend.push(toPushBatch(client, ops, options.policies)));
    const tally = recordPushResults(replica, ops, results, options.now());
    summary.pushed += tally.pushed;
    summary.conflicts += tally.conflicts;
    summary.rejected += tally.rejected;
    summary.failed += tally.failed;
    summary.batches++;
    summary.knownVersions.push(...tally.known);
    options.onBatch?.(summary.pushed + summary.rejected, Math.max(total, summary.pushed + summary.rejected));
  }
  return summary;
}
