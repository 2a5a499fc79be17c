import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireSyncLock, lockPath, SyncBusyError } from '../../src/sync/lock.js';
import { tempHome } from '../helpers/replica.js';

describe('sync lock', () => {
  it('allows one holder at a time and frees on release', async () => {
    const replica = join(tempHome(), 'replica.db');
    const first = await acquireSyncLock(replica, 'sync');
    writeFileSync(lockPath(replica), JSON.stringify({ pid: process.ppid, owner: 'daemon', since: 1 }));
    await expect(acquireSyncLock(replica, 'sync', 250)).rejects.toBeInstanceOf(SyncBusyError);
    await expect(acquireSyncLock(replica, 'sync')).rejects.toThrow(/another sync is running on this replica \(pid \d+, daemon\)/);
    first.release();
  });

  it('takes over a lock left by a dead process', async () => {
    const replica = join(tempHome(), 'replica.db');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockPath(replica), JSON.stringify({ pid: Number(dead.stdout), owner: 'daemon', since: 1 }));
    const lock = await acquireSyncLock(replica, 'sync');
    lock.release();
    const again = await acquireSyncLock(replica, 'sync');
    again.release();
  });

  it('waits for a holder that finishes in time', async () => {
    const replica = join(tempHome(), 'replica.db');
    const held = await acquireSyncLock(replica, 'sync');
    setTimeout(() => held.release(), 150);
    const lock = await acquireSyncLock(replica, 'other', 2_000);
    lock.release();
  });
});
