/**
 * The sync facts a person looks at: which backend, what is queued, when each
 * table last synced, whether the daemon runs. Shared by `convoy status` and
 * the board so both tell the same story. Read-only.
 */
import type { Replica } from '../db/open.js';
import { queueCounts, readMeta, tableSyncStates, type QueueCounts, type TableSyncState } from '../db/sync-state.js';
import { daemonLockPath, liveHolder } from './lock.js';

/** The backend in effect (the config's `backendInfo()`). */
export interface BackendInfo {
  kind: string;
  url: string | null;
}

export interface DaemonInfo {
  running: boolean;
  pid: number | null;
  /** Epoch ms of the daemon's last heartbeat, or null. */
  lastHeartbeatAt: number | null;
  /** Epoch ms of the daemon's last successful sync, or null. */
  lastSyncAt: number | null;
}

export interface SyncOverview extends QueueCounts {
  backend: BackendInfo | null;
  tables: Record<string, TableSyncState>;
  daemon: DaemonInfo;
}

/** The daemon: running if a live process holds the replica's daemon lock; times from its heartbeat in meta. */
export function daemonInfo(replica: Replica): DaemonInfo {
  const holder = liveHolder(daemonLockPath(replica.path));
  const time = (key: string) => {
    const value = readMeta(replica, key);
    return value ? Number(value) : null;
  };
  return { running: holder !== null, pid: holder?.pid ?? null, lastHeartbeatAt: time('daemon.heartbeatAt'), lastSyncAt: time('daemon.lastSyncAt') };
}

/** `backend`: the config's `backendInfo()` (null when none is configured). */
export function syncOverview(replica: Replica, backend: BackendInfo | null): SyncOverview {
  return { backend, ...queueCounts(replica), tables: tableSyncStates(replica), daemon: daemonInfo(replica) };
}

/** Whether every table has finished its initial pull. */
export function everSynced(tables: Record<string, TableSyncState>): boolean {
  return Object.values(tables).every((t) => t.initialSyncDone);
}

/** The latest successful push or pull of any table (epoch ms), or null. */
export function lastSyncAt(tables: Record<string, TableSyncState>): number | null {
  const times = Object.values(tables).flatMap((t) => [t.lastPullAt, t.lastPushAt]).filter((t): t is number => t !== null);
  return times.length ? Math.max(...times) : null;
}

/** The error of the last failed sync step, when the last attempt failed. */
export function lastSyncError(tables: Record<string, TableSyncState>): string | null {
  return Object.values(tables).find((t) => t.lastError !== null)?.lastError ?? null;
}
