/**
 * `convoy sync --watch` as users run it: real daemon processes, real CLI
 * processes, the local Convex server over a socket.
 */
import { ConvexHttpClient } from 'convex/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../convex/_generated/api.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { initialisedReplica } from '../helpers/convex-replica.js';

let server: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startConvexServer();
});
afterAll(() => server?.close());

const initialised = (user: string) => initialisedReplica(server, user);

async function onServer(web: ConvexHttpClient, title: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const page = await web.query(api.pull.pull, { table: 'tasks', cursor: 0, limit: 1000 });
    if (page.changes.some((c) => c.fields.title === title)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`"${title}" did not reach the server within ${timeoutMs} ms`);
}

const pending = async (home: string) => JSON.parse((await convoy(home, ['status', '--json'])).stdout).pending as number;

describe('convoy sync --watch', () => {
  it('pushes an add from another process within 2 s, and status shows it running', async () => {
    const { home, web } = await initialised('watch-a');
    const daemon = startDaemon(home);
    await daemon.waitFor('start');
    await convoy(home, ['add', 'pushed by the daemon']);
    expect(await onServer(web, 'pushed by the daemon', 2_000)).toBeLessThan(2_000);
    const status = JSON.parse((await convoy(home, ['status', '--json'])).stdout);
    expect(status.daemon).toMatchObject({ running: true, pid: daemon.child.pid });
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });

  it('backs off while the server is down, keeps captures queued, and drains when it returns', async () => {
    const { home, web } = await initialised('watch-b');
    const daemon = startDaemon(home);
    await daemon.waitFor('start');
    await server.stop();
    try {
      await convoy(home, ['add', 'captured offline']);
      await daemon.waitFor('offline', 5_000);
      expect(await pending(home)).toBe(1);
    } finally {
      await server.start();
    }
    await convoy(home, ['add', 'captured after the server came back']);
    await onServer(web, 'captured offline', 10_000);
    await daemon.waitFor('online', 10_000);
    await onServer(web, 'captured after the server came back', 5_000);
    expect(await pending(home)).toBe(0);
    expect(daemon.events.filter((e) => e.event === 'offline')).toHaveLength(1);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });

  it('stops cleanly on SIGTERM with exit 0 and loses nothing', async () => {
    const { home } = await initialised('watch-c');
    const daemon = startDaemon(home);
    await daemon.waitFor('start');
    const adds = Array.from({ length: 5 }, (_, i) => convoy(home, ['add', `burst ${i}`]));
    await Promise.all(adds);
    const stoppedAt = Date.now();
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    await daemon.waitFor('stop', 100);
    const tasks = JSON.parse((await convoy(home, ['list', '--json'])).stdout) as { syncStatus: string }[];
    expect(tasks).toHaveLength(5);
    // Whatever was not pushed yet is still queued, and a manual sync finishes the job.
    expect(tasks.filter((t) => t.syncStatus === 'pending').length).toBe(await pending(home));
    expect((await convoy(home, ['sync'])).code).toBe(0);
    expect(await pending(home)).toBe(0);
  });

  it('refuses a second daemon on the same replica', async () => {
    const { home } = await initialised('watch-d');
    const first = startDaemon(home);
    await first.waitFor('start');
    const second = await convoy(home, ['sync', '--watch']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/a sync daemon is already running on this replica \(pid \d+\)/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('is not blocked by the lock of a SIGKILLed daemon', async () => {
    const { home, web } = await initialised('watch-e');
    const killed = startDaemon(home);
    await killed.waitFor('start');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(JSON.parse((await convoy(home, ['status', '--json'])).stdout).daemon.running).toBe(false);
    const next = startDaemon(home);
    await next.waitFor('start');
    await convoy(home, ['add', 'after a crash']);
    await onServer(web, 'after a crash', 3_000);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });
});
