/**
 * One sync: push every due op, then pull every registered table. Holds the
 * replica's sync lock for the duration, so `convoy sync`, the daemon and the
 * board never sync at the same time.
 */
import type { Replica } from '../db/open.js';
import { markSyncStep } from '../db/remote.js';
import { SYNC_TABLES } from '../db/registry.js';
import { queueCounts } from '../db/sync-state.js';
import type { Backend } from './backend.js';
import { acquireSyncLock } from './lock.js';
import { retryingDroppedCalls } from './retry-once.js';
import { pullTables, DEFAULT_PAGE_SIZE } from './pull.js';
import { pushAll, type PolicyOverrides } from './push.js';

export type SyncMode = 'both' | 'push' | 'pull';

export type SyncProgress = { step: 'push'; done: number; total: number } | { step: 'pull'; table: string; pulled: number };

export interface SyncOptions {
  mode?: SyncMode;
  batchSize?: number;
  pageSize?: number;
  now?: () => number;
  onProgress?: (progress: SyncProgress) => void;
  /** Conflict policies chosen by the user, over the registry's defaults. */
  policies?: PolicyOverrides;
  /** Who holds the lock, for messages ("sync", "daemon", "board"). */
  owner?: string;
  /** How long to wait for another process's sync to finish. */
  lockWaitMs?: number;
}

export interface SyncSummary {
  pushed: number;
  pulled: number;
  /** Conflicts the server reported during this sync. */
  conflicts: number;
  /** Ops in the failed state after this sync (all of them, not just new). */
  failed: number;
  /** Ops the server rejected during this sync (failed or still to retry). */
  rejected: number;
  /** Conflicts waiting for `convoy resolve` after this sync. */
  openConflicts: number;
  pushBatches: number;
  durationMs: number;
}

const tableNames = SYNC_TABLES.map((s) => s.name);

/**
 * Push then pull. Throws BackendError (offline, auth, or persistent server
 * errors) after recording it in sync_state; what was acknowledged before the
 * error stays recorded and nothing queued is lost. Throws SyncBusyError when
 * another process keeps the lock past `lockWaitMs`.
 */
export async function syncOnce(replica: Replica, direct: Backend, options: SyncOptions = {}): Promise<SyncSummary> {
  const backend = retryingDroppedCalls(direct);
  const now = options.now ?? Date.now;
  const started = performance.now();
  const mode = options.mode ?? 'both';
  const lock = await acquireSyncLock(replica.path, options.owner ?? 'convoy sync', options.lockWaitMs ?? 0);
  let step: 'push' | 'pull' = 'push';
  try {
    const summary = { pushed: 0, pulled: 0, conflicts: 0, rejected: 0, pushBatches: 0 };
    let knownVersions: number[] = [];
    if (mode !== 'pull') {
      const pushed = await pushAll(replica, backend, {
        batchSize: options.batchSize,
        policies: options.policies,
        now,
        onBatch: (done, total) => options.onProgress?.({ step: 'push', done, total }),
      });
      Object.assign(summary, { pushed: pushed.pushed, conflicts: pushed.conflicts, rejected: pushed.rejected, pushBatches: pushed.batches });
      knownVersions = pushed.knownVersions;
      markSyncStep(replica, tableNames, 'push', now(), null);
    }
    if (mode !== 'push') {
      step = 'pull';
      summary.pulled += await pullTables(replica, backend, SYNC_TABLES, {
        pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
        now,
        knownVersions,
        onPage: (table, pulled) => options.onProgress?.({ step: 'pull', table, pulled }),
      });
      markSyncStep(replica, tableNames, 'pull', now(), null);
    }
    const counts = queueCounts(replica);
    return { ...summary, failed: counts.failed, openConflicts: counts.conflicts, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    markSyncStep(replica, tableNames, step, now(), (error as Error).message);
    throw error;
  } finally {
    lock.release();
  }
}
