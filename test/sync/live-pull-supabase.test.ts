/**
 * Live pull on Supabase: `convoy sync --watch` follows the user's head over
 * Supabase Realtime (realtime-js against the local server's broadcast
 * channels, the signal sent by the generated SQL), so another replica's push
 * reaches it within a second although the pull interval is 60 s; a one-shot
 * `convoy sync` opens no Realtime socket.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTask } from '../../src/db/tasks.js';
import { createSupabaseBackend } from '../../src/sync/backends/supabase/index.js';
import { syncOnce } from '../../src/sync/engine.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../src/dev/servers/supabase/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { tempHome, tempReplica } from '../helpers/replica.js';
import { join } from 'node:path';
import { until } from '../helpers/until.js';

let server: SupabaseTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startSupabaseServer();
}, 60_000);
afterAll(() => server?.close());

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1]!;

describe('convoy sync --watch on Supabase: live pull', () => {
  it('shows another replica’s task within 1 s (p95 of 20) with --interval 60', async () => {
    const token = await server.mintToken('live-supabase');
    const home = tempHome();
    expect((await convoy(home, ['init', '--supabase', server.url, '--anon-key', server.anonKey, '--access-token', token])).code).toBe(0);
    const daemon = startDaemon(home, [], { intervalS: 60 });
    await daemon.waitFor('start');
    await until(() => server.joinedChannels() === 1, 20_000, 'the daemon joins its head topic');

    const other = tempReplica();
    const backend = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: token });
    const watched = new Database(join(home, 'replica.db'), { readonly: true, fileMustExist: true });
    const has = watched.prepare('select 1 from tasks where title = ?');
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const title = `live ${i}`;
        addTask(other, { title }, Date.now());
        await syncOnce(other, backend, { mode: 'push' });
        const pushed = performance.now();
        await until(() => has.get(title) !== undefined, 10_000, `"${title}" in the daemon's replica`);
        latencies.push(performance.now() - pushed);
      }
    } finally {
      watched.close();
      await backend.close();
    }
    expect(quantile(latencies, 0.95), `latencies ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(1_000);
    // Pulled by the live feed, not the interval: one sync per push, nothing else.
    await daemon.waitFor('sync', 2_000, (e) => e.pulled === 1);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 120_000);

  it('opens no Realtime socket for a one-shot convoy sync', async () => {
    const home = tempHome();
    const token = await server.mintToken('one-shot');
    await convoy(home, ['init', '--supabase', server.url, '--anon-key', server.anonKey, '--access-token', token]);
    await convoy(home, ['add', 'one shot']);
    const before = server.realtimeSockets();
    const sync = await convoy(home, ['sync', '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ pushed: 1 });
    expect(server.realtimeSockets()).toBe(before);
  }, 60_000);
});
