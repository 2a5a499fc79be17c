/**
 * Exclusive locks beside the replica: one sync at a time per replica
 * (`convoy sync`, the daemon, the board), and one daemon per replica.
 *
 * Ownership and liveness come from an OS lock (src/db/os-lock.ts) that dies
 * with its holder: a lock is never judged from a pid, so a crashed holder
 * frees it at once, a recycled pid never blocks anyone, and a lock file that
 * is empty or truncated still excludes a second holder. Who holds it (pid,
 * owner) is written to a sidecar JSON file for messages only.
 */
import { renameSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isOsLocked, tryOsLock } from '../db/os-lock.js';
import { RetryLaterError, StateError } from '../errors.js';

export class SyncBusyError extends RetryLaterError {
  override name = 'SyncBusyError';
  readonly holder: LockInfo;
  constructor(holder: LockInfo) {
    super(`another sync is running on this replica (pid ${holder.pid}, ${holder.owner}); try again in a moment`);
    this.holder = holder;
  }
}

export interface LockInfo {
  /** 0 when the holder did not (yet) say who it is. */
  pid: number;
  owner: string;
  since: number;
}

export class DaemonRunningError extends StateError {
  override name = 'DaemonRunningError';
  constructor(holder: LockInfo) {
    super(`a sync daemon is already running on this replica (pid ${holder.pid}); stop it first, or use convoy status`);
  }
}

export interface FileLock {
  /** Idempotent. */
  release(): void;
}

export function lockPath(replicaPath: string): string {
  return `${replicaPath}.sync-lock`;
}

export function daemonLockPath(replicaPath: string): string {
  return `${replicaPath}.daemon-lock`;
}

/** The sidecar naming the holder of the lock at `path`. */
export function holderPath(path: string): string {
  return `${path}.json`;
}

function readInfo(path: string): LockInfo {
  try {
    const info = JSON.parse(readFileSync(holderPath(path), 'utf8')) as LockInfo;
    if (Number.isInteger(info.pid) && typeof info.owner === 'string') return info;
  } catch {
    // not written yet, or removed: the lock itself is what counts
  }
  return { pid: 0, owner: 'unknown', since: 0 };
}

/** The holder of a lock, or null when nobody holds it (whatever its files say). */
export function liveHolder(path: string): LockInfo | null {
  return isOsLocked(path) ? readInfo(path) : null;
}

function tryAcquire(path: string, owner: string): FileLock | null {
  const held = tryOsLock(path);
  if (!held) return null;
  const info = holderPath(path);
  const temp = `${info}.${process.pid}.tmp`;
  // Written whole, then renamed into place: a reader never sees half a holder.
  writeFileSync(temp, JSON.stringify({ pid: process.pid, owner, since: Date.now() } satisfies LockInfo), { mode: 0o600 });
  renameSync(temp, info);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(info, { force: true });
      held.release();
    },
  };
}

/**
 * Poll for the lock until `waitMs` has passed; returns null when still held.
 * Always tries a few times: a `convoy status` probing the lock holds it for a
 * moment, and that must not read as a running sync.
 */
async function acquire(path: string, owner: string, waitMs: number): Promise<FileLock | null> {
  const deadline = Date.now() + Math.max(waitMs, 60);
  for (;;) {
    const lock = tryAcquire(path, owner);
    if (lock || Date.now() >= deadline) return lock;
    await sleep(waitMs > 0 ? 100 : 20);
  }
}

/**
 * Take the replica's sync lock, waiting up to `waitMs` for a running sync to
 * finish. Throws SyncBusyError when it is still held after that.
 */
export async function acquireSyncLock(replicaPath: string, owner: string, waitMs = 0): Promise<FileLock> {
  const path = lockPath(replicaPath);
  const lock = await acquire(path, owner, waitMs);
  if (lock) return lock;
  throw new SyncBusyError(readInfo(path));
}

/** Take the replica's daemon lock (no waiting). Throws DaemonRunningError when a live daemon holds it. */
export async function acquireDaemonLock(replicaPath: string): Promise<FileLock> {
  const path = daemonLockPath(replicaPath);
  const lock = await acquire(path, 'daemon', 0);
  if (lock) return lock;
  throw new DaemonRunningError(readInfo(path));
}
