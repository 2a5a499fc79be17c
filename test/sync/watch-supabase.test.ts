/**
 * The sync daemon against Supabase (the project's SQL in PGlite behind the
 * local PostgREST-like server): it polls, pushes local writes promptly,
 * pulls web writes on its interval, and stops cleanly.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { tempHome } from '../helpers/replica.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../src/dev/servers/supabase/server.js';
import { supabaseWebClient } from '../dev/servers/supabase/web-client.js';

let server: SupabaseTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startSupabaseServer();
}, 60_000);
afterAll(() => server?.close());

async function titlesOnServer(): Promise<string[]> {
  return (await server.db.query('select title from public.tasks')).map((row) => String(row.title));
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not true within ${timeoutMs} ms`);
}

describe('convoy sync --watch against Supabase', () => {
  it('pushes a local add within 2 s, pulls a web write on its interval, and stops with exit 0', async () => {
    const home = tempHome();
    const token = await server.mintToken('daemon-user');
    const init = await convoy(home, ['init', '--supabase', server.url, '--anon-key', server.anonKey, '--access-token', token]);
    expect(init.code).toBe(0);
    const daemon = startDaemon(home, [], { intervalS: 1 });
    await daemon.waitFor('start');

    await convoy(home, ['add', 'pushed to supabase by the daemon']);
    expect(await eventually(async () => (await titlesOnServer()).includes('pushed to supabase by the daemon'), 2_000)).toBeLessThan(2_000);

    const recordId = randomUUID();
    await supabaseWebClient(server.url, server.anonKey, token).createTask(recordId, { title: 'written on the web' });
    await eventually(async () => {
      const tasks = JSON.parse((await convoy(home, ['list', '--json'])).stdout) as { id: string }[];
      return tasks.some((t) => t.id === recordId);
    }, 5_000);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);
});
