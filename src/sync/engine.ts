/**
 * One sync: for each selected workspace (the personal one first), push its
 * due ops, then pull every registered table of it. Holds the replica's sync
 * lock for the duration, so `convoy sync`, the daemon and the board never
 * sync at the same time. A replica that only has the personal workspace
 * makes exactly the requests it made before workspaces.
 */
import type { Replica } from '../db/open.js';
import { queuedOpCount } from '../db/outbox.js';
import { markSyncStep } from '../db/remote.js';
import { SYNC_TABLES } from '../db/registry.js';
import { queueCounts } from '../db/sync-state.js';
import { listLocalWorkspaces, markWorkspaceLeft, saveWorkspaceList, type LocalWorkspace } from '../db/workspaces.js';
import { BackendError } from '../errors.js';
import type { WorkspaceList } from '../schema/protocol.js';
import type { Backend } from './backend.js';
import { acquireSyncLock } from './lock.js';
import { retryingDroppedCalls } from './retry-once.js';
import { pullTables, DEFAULT_PAGE_SIZE } from './pull.js';
import { pushAll, type PolicyOverrides, type WorkspaceScope } from './push.js';

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
  /**
   * The workspaces to sync, by local id ('' personal; `--workspace`, config
   * `sync.workspaces`). Unset: every active one, including those this sync
   * learns of. An unselected workspace makes no request.
   */
  workspaces?: readonly string[];
}

/** A workspace this replica is no longer a member of, with the local changes it keeps (never pushed). */
export interface LeftWorkspace {
  id: string;
  name: string;
  /** Queued changes kept in the replica (nothing is lost; `convoy workspace forget` removes them). */
  kept: number;
  /** True when this sync found it left (a refused push or pull, or the server no longer lists it). */
  justLeft: boolean;
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
  /** The names of the workspaces synced, in order (the personal one first). */
  workspaces: string[];
  /** Selected workspaces left: found left by this sync, or still keeping changes. */
  left: LeftWorkspace[];
}

const tableNames = SYNC_TABLES.map((s) => s.name);

/** The refusal of a workspace's push or pull to someone no longer a member. */
const isForbidden = (error: unknown) => error instanceof BackendError && error.refusal === 'forbidden';

type Tally = Pick<SyncSummary, 'pushed' | 'pulled' | 'conflicts' | 'rejected' | 'pushBatches'>;

/**
 * Push then pull each selected active workspace (personal first, then by
 * name; one learned of during the sync is synced in it too). A workspace
 * whose push or pull is refused as `forbidden` becomes left: its ops stay
 * queued and the summary's `left` says so; the other workspaces still sync.
 * Throws BackendError (offline, auth, or persistent server errors) after
 * recording it in sync_state; what was acknowledged before the error stays
 * recorded and nothing queued is lost. Throws SyncBusyError when another
 * process keeps the lock past `lockWaitMs`.
 */
export async function syncOnce(replica: Replica, direct: Backend, options: SyncOptions = {}): Promise<SyncSummary> {
  const backend = retryingDroppedCalls(direct);
  const started = performance.now();
  const lock = await acquireSyncLock(replica.path, options.owner ?? 'convoy sync', options.lockWaitMs ?? 0);
  try {
    const summary: Tally = { pushed: 0, pulled: 0, conflicts: 0, rejected: 0, pushBatches: 0 };
    const selected = (id: string) => options.workspaces === undefined || options.workspaces.includes(id);
    const synced: LocalWorkspace[] = [];
    const justLeft = new Set<string>();
    for (;;) {
      const next = listLocalWorkspaces(replica).find((w) => w.state === 'active' && selected(w.id) && !synced.some((s) => s.id === w.id));
      if (next === undefined) break;
      synced.push(next);
      const { tally, left } = await syncWorkspace(replica, backend, next, options);
      for (const key of Object.keys(summary) as (keyof Tally)[]) summary[key] += tally[key];
      for (const id of left) justLeft.add(id);
    }
    const counts = queueCounts(replica);
    const left = listLocalWorkspaces(replica)
      .filter((w) => w.state === 'left' && selected(w.id))
      .map((w) => ({ id: w.id, name: w.name, kept: queuedOpCount(replica, w.id), justLeft: justLeft.has(w.id) }))
      .filter((w) => w.kept > 0 || w.justLeft);
    const names = synced.filter((w) => !justLeft.has(w.id)).map((w) => w.name);
    return { ...summary, failed: counts.failed, openConflicts: counts.conflicts, durationMs: Math.round(performance.now() - started), workspaces: names, left };
  } finally {
    lock.release();
  }
}

/**
 * One workspace's push then pull. Returns its counts and the workspaces found
 * left (itself when refused; any the server's list no longer holds).
 */
async function syncWorkspace(replica: Replica, backend: Backend, workspace: LocalWorkspace, options: SyncOptions): Promise<{ tally: Tally; left: string[] }> {
  const now = options.now ?? Date.now;
  const mode = options.mode ?? 'both';
  const scope: WorkspaceScope = { id: workspace.id, wire: workspace.personal ? undefined : workspace.id };
  const tally: Tally = { pushed: 0, pulled: 0, conflicts: 0, rejected: 0, pushBatches: 0 };
  let step: 'push' | 'pull' = 'push';
  let list: WorkspaceList | undefined;
  try {
    let knownVersions: number[] = [];
    if (mode !== 'pull') {
      const pushed = await pushAll(replica, backend, {
        scope,
        batchSize: options.batchSize,
        policies: options.policies,
        now,
        onBatch: (done, total) => options.onProgress?.({ step: 'push', done, total }),
      });
      Object.assign(tally, { pushed: pushed.pushed, conflicts: pushed.conflicts, rejected: pushed.rejected, pushBatches: pushed.batches });
      knownVersions = pushed.knownVersions;
      markSyncStep(replica, tableNames, 'push', now(), null, scope.id);
    }
    if (mode !== 'push') {
      step = 'pull';
      tally.pulled = await pullTables(replica, backend, SYNC_TABLES, {
        scope,
        pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
        now,
        knownVersions,
        onWorkspaces: (answer) => (list = answer),
        onPage: (table, pulled) => options.onProgress?.({ step: 'pull', table, pulled }),
      });
      markSyncStep(replica, tableNames, 'pull', now(), null, scope.id);
    }
    // Every page names the caller's workspaces: joins start syncing (in this sync), removals become left.
    const left = list === undefined ? [] : saveWorkspaceList(replica, list, now()).left.map((w) => w.id);
    return { tally, left };
  } catch (error) {
    // Removed between syncs: keep everything, stop asking, say so (the other workspaces still sync).
    if (isForbidden(error) && !workspace.personal) {
      markWorkspaceLeft(replica, workspace.id, now());
      markSyncStep(replica, tableNames, step, now(), (error as Error).message, scope.id);
      return { tally, left: [workspace.id] };
    }
    markSyncStep(replica, tableNames, step, now(), (error as Error).message, scope.id);
    throw error;
  }
}
