/**
 * One sync at a time per replica, across processes (`convoy sync`, the daemon,
 * the board): an exclusive lock file beside the replica holding the owner's
 * pid. A lock whose process is gone (crash, SIGKILL) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export class SyncBusyError extends Error {
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

export interface SyncLock {
  release(): void;
}

export function lockPath(replicaPath: string): string {
  return `${replicaPath}.sync-lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return null; // vanished, or half-written by a process that died mid-write
  }
}

function tryAcquire(path: string, owner: string): SyncLock | LockInfo {
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

/**
 * Take the replica's sync lock, waiting up to `waitMs` for a running sync to
 * finish. Throws SyncBusyError when it is still held after that.
 */
export async function acquireSyncLock(replicaPath: string, owner: string, waitMs = 0): Promise<SyncLock> {
  const path = lockPath(replicaPath);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = tryAcquire(path, owner);
    if ('release' in result) return result;
    if (Date.now() >= deadline) throw new SyncBusyError(result);
    await sleep(100);
  }
}
