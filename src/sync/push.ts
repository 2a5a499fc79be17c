/**
 * Push: send due outbox ops in sequence order, in batches, and record the
 * server's per-op results (one local transaction per batch).
 */
import type { Replica } from '../db/open.js';
import { duePendingOps, pendingOpCount } from '../db/outbox.js';
import { clientId } from '../db/sync-state.js';
import type { OpView } from '../db/views.js';
import { defaultPolicies } from '../schema/registry.js';
import { BackendError } from '../errors.js';
import type { ConflictPolicy, PushBatch, PushResult, SyncTableName } from '../schema/protocol.js';
import type { Backend, PushLimits } from './backend.js';
import { recordPushResults, type PushTally } from './record-results.js';
import { withTransientRetry } from './retry.js';

export type PolicyOverrides = Partial<Record<SyncTableName, ConflictPolicy>>;

/** Ops per request for a backend that states no limits of its own (Backend.pushLimits). */
export const DEFAULT_BATCH_SIZE = 200;
/** The largest --batch / sync.batchSize accepted; each backend cuts it to its own maxOps. */
export const MAX_BATCH_SIZE = 5_000;

/**
 * The workspace one push or pull acts on: its local id ('' personal) and the
 * id requests name (undefined for personal: the wire omits it, so a replica
 * that never uses workspaces sends what it always sent).
 */
export interface WorkspaceScope {
  id: string;
  wire: string | undefined;
}

/** The personal workspace's scope. */
export const PERSONAL_SCOPE: WorkspaceScope = { id: '', wire: undefined };

export interface PushOptions {
  /** The workspace whose ops are pushed; default personal. */
  scope?: WorkspaceScope;
  /** Ops per request; default the backend's preferredOps (else DEFAULT_BATCH_SIZE), never above its maxOps. */
  batchSize?: number;
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

/** The wire batch of `ops` (collected by `duePendingOps`; of one workspace, named by `wire` unless personal), with the tables' policies. Pure. */
export function toPushBatch(client: string, ops: OpView[], overrides: PolicyOverrides = {}, wire?: string): PushBatch {
  return {
    ...(wire === undefined ? {} : { workspace: wire }),
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

/** Ops per request: the asked-for size (else the backend's preferred one) within the backend's limit. Pure. */
export function batchSizeFor(limits: PushLimits | undefined, asked: number | undefined): number {
  const size = asked ?? limits?.preferredOps ?? DEFAULT_BATCH_SIZE;
  return Math.max(1, Math.min(size, limits?.maxOps ?? MAX_BATCH_SIZE));
}

/**
 * The leading ops of `ops` whose wire JSON stays within `maxBytes` (always at
 * least one: a single larger op goes alone, for the server to judge). Pure.
 */
export function fitBytes(ops: OpView[], maxBytes: number): OpView[] {
  let bytes = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    bytes += Buffer.byteLength(JSON.stringify(op.fields)) + op.recordId.length + 160;
    if (bytes > maxBytes && i > 0) return ops.slice(0, i);
  }
  return ops;
}

/** The smaller batch limit a server's refusal names ("… ops in one push; send at most N"), or null. */
export function smallerLimit(error: unknown, sent: number): number | null {
  if (!(error instanceof BackendError) || error.retryable) return null;
  const limit = Number(/ops in one push; send at most (\d+)/.exec(error.message)?.[1]);
  return Number.isInteger(limit) && limit >= 1 && limit < sent ? limit : null;
}

/**
 * Push every due op of the scope's workspace, one request at a time: a batch is sent only after the
 * one before it was answered and recorded, because the server skips any op
 * at or below the client's last applied seq (that is what makes a repeated
 * push idempotent), so batches applied out of order would drop ops.
 * Throws BackendError when the backend is offline or keeps
 * failing (ops already acknowledged stay recorded; the rest stay queued).
 */
export async function pushAll(replica: Replica, backend: Backend, options: PushOptions): Promise<PushSummary> {
  const summary: PushSummary = { pushed: 0, conflicts: 0, rejected: 0, failed: 0, batches: 0, knownVersions: [] };
  const client = clientId(replica);
  const scope = options.scope ?? PERSONAL_SCOPE;
  const total = pendingOpCount(replica, scope.id);
  let size = batchSizeFor(backend.pushLimits, options.batchSize);
  for (;;) {
    const due = duePendingOps(replica, size, options.now(), scope.id);
    const ops = backend.pushLimits === undefined ? due : fitBytes(due, backend.pushLimits.maxBytes);
    if (ops.length === 0) break;
    let results: PushResult['results'];
    try {
      ({ results } = await withTransientRetry(() => backend.push(toPushBatch(client, ops, options.policies, scope.wire))));
    } catch (error) {
      // A server from before larger batches refuses them, saying its limit: send that many from now on.
      const limit = smallerLimit(error, ops.length);
      if (limit === null) throw error;
      size = limit;
      continue;
    }
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
