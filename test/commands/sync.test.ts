/**
 * The sync commands through the real binary against the local Convex server:
 * init, sync exit codes (0, 3, 4, 5), conflicts, resolve, retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvexHttpClient } from 'convex/browser';
import { api } from '../../convex/_generated/api.js';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

let server: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startConvexServer();
});
afterAll(() => server?.close());

async function initialised(user: string): Promise<string> {
  const home = tempHome();
  const token = await server.mintToken(user);
  const init = await convoy(home, ['init', '--convex', server.url, '--token', '-'], { input: token });
  expect(init.stdout).toMatch(/Connected to Convex/);
  expect(init.code).toBe(0);
  return home;
}

describe('convoy init and sync', () => {
  it('refuses to sync without a backend (exit 5) but captures anyway', async () => {
    const home = tempHome();
    expect((await convoy(home, ['add', 'offline first'])).code).toBe(0);
    const result = await convoy(home, ['sync']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/no backend configured; run convoy init --convex/);
  });

  it('pushes and pulls, printing the summary as JSON', async () => {
    const home = await initialised('nia');
    await convoy(home, ['add', 'one']);
    await convoy(home, ['add', 'two']);
    const result = await convoy(home, ['sync', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ pushed: 2, conflicts: 0, failed: 0 });
    expect(typeof summary.durationMs).toBe('number');
    const status = JSON.parse((await convoy(home, ['status', '--json'])).stdout);
    expect(status).toMatchObject({ backend: { kind: 'convex', url: server.url }, pending: 0, tables: { tasks: { initialSyncDone: true } } });
    const human = await convoy(home, ['sync']);
    expect(human.stdout).toMatch(/^Synced: pushed 0, pulled \d+, conflicts 0, failed 0 \(\d+\.\d s\)\n$/);
  });

  it('exits 3 when the backend is unreachable, keeping the ops', async () => {
    const home = await initialised('oli');
    await convoy(home, ['add', 'queued']);
    await server.stop();
    try {
      const result = await convoy(home, ['sync']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/cannot reach Convex.*nothing lost/);
      expect(JSON.parse((await convoy(home, ['status', '--json'])).stdout).pending).toBe(1);
    } finally {
      await server.start();
    }
    expect((await convoy(home, ['sync'])).code).toBe(0);
  });

  it('exits 5 for a refused token', async () => {
    const home = tempHome();
    const result = await convoy(home, ['init', '--convex', server.url, '--token', 'not-a-jwt']);
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/Saved, but the check failed/);
  });

  it('exits 4 while a conflict waits, and 0 once resolved', async () => {
    const home = await initialised('pam');
    expect((await convoy(home, ['config', 'set', 'policy.tasks', 'manual'])).code).toBe(0);
    const task = JSON.parse((await convoy(home, ['add', 'original', '--json'])).stdout);
    await convoy(home, ['sync']);
    const web = new ConvexHttpClient(server.url, { logger: false });
    web.setAuth(await server.mintToken('pam'));
    await web.mutation(api.web.update, { table: 'tasks', recordId: task.id, fields: { title: 'web' } });
    await convoy(home, ['update', task.id, '--title', 'mine']);
    const held = await convoy(home, ['sync']);
    expect(held.code).toBe(4);
    expect(held.stdout).toMatch(/1 conflict waits for a decision: convoy conflicts/);
    const [conflict] = JSON.parse((await convoy(home, ['conflicts', '--json'])).stdout);
    expect(conflict).toMatchObject({ field: 'title', local: 'mine', remote: 'web', policy: 'manual', winner: 'pending', resolved: false });
    expect((await convoy(home, ['resolve', conflict.id])).code).toBe(2);
    const resolved = await convoy(home, ['resolve', conflict.id.slice(0, 36), '--take', 'local']);
    expect(resolved.code).toBe(0);
    expect((await convoy(home, ['sync'])).code).toBe(0);
    expect(JSON.parse((await convoy(home, ['show', task.id, '--json'])).stdout)).toMatchObject({ title: 'mine', syncStatus: 'synced' });
  });

  it('retry needs an op or --all', async () => {
    const home = tempHome();
    const result = await convoy(home, ['retry']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/give one op number/);
    expect((await convoy(home, ['retry', '--all'])).stdout).toMatch(/No failed ops to retry/);
  });
});
