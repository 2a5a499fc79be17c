import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import { daemonInfo } from '../../src/sync/overview.js';
import { acquireDaemonLock, acquireSyncLock, daemonLockPath, holderPath, liveHolder, lockPath, SyncBusyError } from '../../src/sync/lock.js';
import { ROOT } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

const children: ChildProcess[] = [];
afterEach(() => {
  while (children.length) children.pop()!.kill('SIGKILL');
});

/** A real process holding the sync lock of `replica` until killed; resolves once it holds it. */
function holdInChild(replica: string, which: 'sync' | 'daemon' = 'sync'): Promise<ChildProcess> {
  const lockModule = join(ROOT, 'src/sync/lock.ts');
  const script = `const m = await import(${JSON.stringify(lockModule)});
    await (${JSON.stringify(which)} === 'sync' ? m.acquireSyncLock(${JSON.stringify(replica)}, 'sync') : m.acquireDaemonLock(${JSON.stringify(replica)}));
    process.stdout.write('held\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve(child));
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('sync lock', () => {
  it('allows one holder at a time, names it, and frees on release', async () => {
    const replica = join(tempHome(), 'replica.db');
    const first = await acquireSyncLock(replica, 'daemon');
    await expect(acquireSyncLock(replica, 'sync', 250)).rejects.toBeInstanceOf(SyncBusyError);
    await expect(acquireSyncLock(replica, 'sync')).rejects.toThrow(`another sync is running on this replica (pid ${process.pid}, daemon)`);
    first.release();
    first.release();
    (await acquireSyncLock(replica, 'sync')).release();
  });

  it('excludes a second process, even when the lock files are truncated while it is held', async () => {
    const replica = join(tempHome(), 'replica.db');
    const holder = await holdInChild(replica);
    await expect(acquireSyncLock(replica, 'sync', 200)).rejects.toThrow(`(pid ${holder.pid}, sync)`);
    truncateSync(lockPath(replica));
    truncateSync(holderPath(lockPath(replica)));
    await expect(acquireSyncLock(replica, 'sync', 200)).rejects.toBeInstanceOf(SyncBusyError);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    (await acquireSyncLock(replica, 'sync', 2_000)).release(); // the OS freed it with its holder
  });

  it('takes over a lock left by a dead process, whoever has its pid now', async () => {
    const replica = join(tempHome(), 'replica.db');
    // The lock of a crashed process whose pid now belongs to a live one (our parent), in the old format…
    writeFileSync(lockPath(replica), JSON.stringify({ pid: process.ppid, owner: 'daemon', since: 1 }));
    (await acquireSyncLock(replica, 'sync')).release();
    // …and in the current one, with a holder file naming a live or a dead pid.
    for (const pid of [process.ppid, deadPid()]) {
      writeFileSync(holderPath(lockPath(replica)), JSON.stringify({ pid, owner: 'daemon', since: 1 }));
      (await acquireSyncLock(replica, 'sync')).release();
    }
  });

  it('waits for a holder that finishes in time', async () => {
    const replica = join(tempHome(), 'replica.db');
    const held = await acquireSyncLock(replica, 'sync');
    setTimeout(() => held.release(), 150);
    const lock = await acquireSyncLock(replica, 'other', 2_000);
    lock.release();
  });
});

describe('daemon lock', () => {
  it('a crashed daemon whose pid was recycled neither blocks a new daemon nor shows as running', async () => {
    const home = tempHome();
    const replica = openReplica(join(home, 'replica.db'));
    try {
      writeFileSync(daemonLockPath(replica.path), JSON.stringify({ pid: process.ppid, owner: 'daemon', since: 1 }));
      expect(daemonInfo(replica)).toMatchObject({ running: false, pid: null });
      writeFileSync(holderPath(daemonLockPath(replica.path)), JSON.stringify({ pid: process.ppid, owner: 'daemon', since: 1 }));
      expect(daemonInfo(replica)).toMatchObject({ running: false, pid: null });
      const lock = await acquireDaemonLock(replica.path);
      expect(daemonInfo(replica)).toMatchObject({ running: true, pid: process.pid });
      lock.release();
      expect(daemonInfo(replica).running).toBe(false);
    } finally {
      replica.close();
    }
  });

  it('a live daemon in another process is reported and refuses a second one', async () => {
    const replica = join(tempHome(), 'replica.db');
    const daemon = await holdInChild(replica, 'daemon');
    expect(liveHolder(daemonLockPath(replica))).toMatchObject({ pid: daemon.pid, owner: 'daemon' });
    await expect(acquireDaemonLock(replica)).rejects.toThrow(`a sync daemon is already running on this replica (pid ${daemon.pid})`);
    expect(existsSync(daemonLockPath(replica))).toBe(true);
  });
});
