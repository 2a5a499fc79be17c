/**
 * Exclusive lock files beside the replica, holding the owner's pid: one sync
 * at a time per replica (`convoy sync`, the daemon, the board), and one
 * daemon per replica. A lock whose process is gone (crash, SIGKILL) is taken
 * over, so a dead process never blocks the next one.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
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
  release(): void;
}

export function lockPath(replicaPath: string): string {
  return `${replicaPath}.sync-lock`;
}

export function daemonLockPath(replicaPath: string): string {
  return `${replicaPath}.daemon-lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of a lock file, or null when free or held by a dead process. */
export function liveHolder(path: string): LockInfo | null {
  const holder = readHolder(path);
  return holder && isAlive(holder.pid) ? holder : null;
}

function readHolder(path: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return null; // vanished, or half-written by a process that died mid-write
  }
}

function tryAcquire(path: string, owner: string): FileLock | LockInfo {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, owner, since: Date.now() }));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readHolder(path)?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && isAlive(holder.pid) && holder.pid !== process.pid) return holder;
      try {
        unlinkSync(path); // stale: its owner is dead
      } catch {
        // someone else removed it first; try again
      }
    }
  }
  return readHolder(path) ?? { pid: 0, owner: 'unknown', since: Date.now() };
}

async function acquire(path: string, owner: string, waitMs: number): Promise<FileLock | LockInfo> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = tryAcquire(path, owner);
    if ('release' in result || Date.now() >= deadline) return result;
    await sleep(100);
  }
}

/**
 * Take the replica's sync lock, waiting up to `waitMs` for a running sync to
 * finish. Throws SyncBusyError when it is still held after that.
 */
export async function acquireSyncLock(replicaPath: string, owner: string, waitMs = 0): Promise<FileLock> {
  const result = await acquire(lockPath(replicaPath), owner, waitMs);
  if ('release' in result) return result;
  throw new SyncBusyError(result);
}

/** Take the replica's daemon lock (no waiting). Throws DaemonRunningError when a live daemon holds it. */
export async function acquireDaemonLock(replicaPath: string): Promise<FileLock> {
  const result = await acquire(daemonLockPath(replicaPath), 'daemon', 0);
  if ('release' in result) return result;
  throw new DaemonRunningError(result);
}
