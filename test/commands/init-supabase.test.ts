/**
 * `convoy init --supabase` and sync through the real binary against the
 * local Supabase server: exit codes 0, 3 and 5, secrets kept 0600 and never
 * printed, rotated tokens stored back.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupabaseServer, type SupabaseTestServer } from '../../src/dev/servers/supabase/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

let server: SupabaseTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startSupabaseServer();
});
afterAll(() => server?.close());

const init = (home: string, args: string[], input = '') =>
  convoy(home, ['init', '--supabase', server.url, '--anon-key', server.anonKey, ...args], { input });

describe('convoy init --supabase and sync', () => {
  it('connects, keeps the secrets 0600 and unprinted, and syncs', async () => {
    const home = tempHome();
    const token = await server.mintToken('ulla');
    const result = await init(home, ['--access-token', '-'], token);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Connected to Supabase at http:\/\/127\.0\.0\.1:\d+\./);
    const secrets = join(home, 'secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, 'utf8')).toContain(token);
    expect(readFileSync(join(home, 'config.json'), 'utf8')).not.toContain(token);
    const shown = await convoy(home, ['config', 'list']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/supabase\.accessToken/);
    expect(shown.stdout + shown.stderr).not.toContain(token);

    await convoy(home, ['add', 'to supabase']);
    const sync = await convoy(home, ['sync', '--json']);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ pushed: 1, failed: 0, conflicts: 0 });
    const status = JSON.parse((await convoy(home, ['status', '--json'])).stdout);
    expect(status).toMatchObject({ backend: { kind: 'supabase', url: server.url }, pending: 0 });
  });

  it('exits 5 for a wrong anon key or an expired token, and 5 while the token is missing', async () => {
    const wrongKey = await convoy(tempHome(), ['init', '--supabase', server.url, '--anon-key', 'nope', '--access-token', await server.mintToken('vic')]);
    expect(wrongKey.code).toBe(5);
    expect(wrongKey.stdout).toMatch(/Saved, but the check failed: Supabase refused the anon key/);
    const expired = await init(tempHome(), ['--access-token', await server.mintToken('vic', { ttlSeconds: -5 })]);
    expect(expired.code).toBe(5);
    expect(expired.stdout).toMatch(/access token has expired/);
    const noToken = await init(tempHome(), ['--json']);
    expect(noToken.code).toBe(5);
    expect(JSON.parse(noToken.stdout)).toMatchObject({ connected: false, error: 'no access token' });
  });

  it('exits 3 when Supabase is unreachable, keeping the ops', async () => {
    const home = tempHome();
    expect((await init(home, ['--access-token', await server.mintToken('wes')])).code).toBe(0);
    await convoy(home, ['add', 'queued']);
    await server.stop();
    try {
      const result = await convoy(home, ['sync']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/cannot reach Supabase/);
      expect(JSON.parse((await convoy(home, ['status', '--json'])).stdout).pending).toBe(1);
    } finally {
      await server.start();
    }
    expect((await convoy(home, ['sync'])).code).toBe(0);
  });

  it('renews an expired access token with the refresh token and stores the rotated pair', async () => {
    const home = tempHome();
    const { refreshToken } = await server.session('xan');
    const expired = await server.mintToken('xan', { ttlSeconds: -5 });
    expect((await init(home, ['--access-token', expired, '--refresh-token', '-'], refreshToken)).code).toBe(0);
    const stored = JSON.parse(readFileSync(join(home, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(stored['supabase.refreshToken']).not.toBe(refreshToken);
    expect(stored['supabase.accessToken']).not.toBe(expired);
    expect((await convoy(home, ['sync'])).code).toBe(0);
  });
});
