/** Error classification and token renewal of the Supabase backend adapter (the contract suite covers its semantics). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, ConfigError, ExitCode, exitCodeFor } from '../../../src/errors.js';
import { createSupabaseBackend } from '../../../src/sync/backends/supabase/index.js';
import type { PushBatch } from '../../../src/schema/protocol.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../../src/dev/servers/supabase/server.js';
import { closeRaw, rawServer } from '../../helpers/raw-server.js';

let supabase: SupabaseTestServer;
let token: string;
beforeAll(async () => {
  supabase = await startSupabaseServer();
  token = await supabase.mintToken('alice');
});
afterAll(() => supabase?.close());

const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as BackendError);
const backend = (options: Partial<Parameters<typeof createSupabaseBackend>[0]> = {}) =>
  createSupabaseBackend({ url: supabase.url, anonKey: supabase.anonKey, accessToken: token, ...options });


describe('supabase backend errors', () => {
  it('is offline and retryable when the server is down', async () => {
    const b = backend();
    await b.ping();
    await supabase.stop();
    try {
      const error = await failure(b.pull({ table: 'tasks', cursor: 0, limit: 10 }));
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ offline: true, retryable: true, auth: false });
      expect(error?.message).toMatch(/cannot reach Supabase at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    } finally {
      await supabase.start();
    }
    await b.ping();
  });

  it('is offline when the server does not answer in time', async () => {
    const { url, server } = await rawServer(null);
    const error = await failure(backend({ url, timeoutMs: 200 }).ping());
    expect(error).toMatchObject({ offline: true, retryable: true });
    expect(error?.message).toMatch(/no answer within 200 ms/);
    await closeRaw(server);
  });

  it('retries a proxy’s 502 but not a 400, reads 401 as auth, and a 404 as a wrong URL', async () => {
    for (const [status, expected, text] of [
      [502, { retryable: true, offline: false, auth: false }, /HTTP 502/],
      [400, { retryable: false, offline: false, auth: false }, /HTTP 400/],
      [401, { retryable: false, offline: false, auth: true }, /unauthenticated/],
      [404, { retryable: false, offline: false, auth: false }, /no Supabase API at .*check supabase\.url/],
    ] as const) {
      const { url, server } = await rawServer((res) => res.writeHead(status, { 'content-type': 'text/html' }).end('<h1>nope</h1>'));
      const error = await failure(backend({ url }).ping());
      expect(error).toMatchObject(expected);
      expect(error?.message).toMatch(text);
      await closeRaw(server);
    }
  });

  it('says to apply the migrations when convoy’s functions are missing', async () => {
    const body = JSON.stringify({ code: 'PGRST202', details: null, hint: null, message: 'Could not find the function public.convoy_head without parameters in the schema cache' });
    const { url, server } = await rawServer((res) => res.writeHead(404, { 'content-type': 'application/json' }).end(body));
    const error = await failure(backend({ url }).ping());
    expect(error).toMatchObject({ retryable: false, auth: false });
    expect(error?.message).toMatch(/convoy's functions are missing .*supabase db push/);
    await closeRaw(server);
  });

  it('reports a wrong anon key, an expired token, a bad signature and no token as auth', async () => {
    const wrongKey = await failure(backend({ anonKey: 'not-the-anon-key' }).ping());
    expect(wrongKey).toMatchObject({ auth: true, retryable: false });
    expect(wrongKey?.message).toMatch(/refused the anon key \(Invalid API key\): check supabase\.anonKey/);
    const expired = await failure(backend({ accessToken: await supabase.mintToken('alice', { ttlSeconds: -5 }) }).ping());
    expect(expired?.message).toMatch(/access token has expired/);
    for (const accessToken of [`${token.slice(0, -4)}AAAA`, null]) {
      expect(await failure(backend({ accessToken }).ping())).toMatchObject({ auth: true, retryable: false, offline: false });
    }
  });

  it('carries convoy’s refusal codes: forbidden (exit 7 denied), exists, invalid; names users by their token', async () => {
    const owner = backend({ accessToken: await supabase.mintToken('refusing-owner', { name: 'Rita' }) });
    const other = backend({ accessToken: await supabase.mintToken('refusing-outsider') });
    expect((await owner.listWorkspaces()).user).toEqual({ userId: supabase.userId('refusing-owner'), name: 'Rita' });
    const team = await owner.createWorkspace('Refusals');
    const denied = await failure(other.pull({ workspace: team.id, table: 'tasks', cursor: 0, limit: 1 }));
    expect(denied).toMatchObject({ refusal: 'forbidden', retryable: false, auth: false, offline: false });
    expect(exitCodeFor(denied)).toBe(ExitCode.denied);
    expect(await failure(owner.createWorkspace('refusals'))).toMatchObject({ refusal: 'exists', retryable: false });
    expect(await failure(owner.createWorkspace('personal'))).toMatchObject({ refusal: 'invalid', retryable: false });
    expect(await failure(backend({ accessToken: null }).ping())).toMatchObject({ auth: true, refusal: undefined });
    await Promise.all([owner.close(), other.close()]);
  });

  it('does not retry a malformed batch', async () => {
    const batch: PushBatch = { clientId: 'web', policies: { tasks: 'local-wins', projects: 'remote-wins' }, ops: [] };
    const error = await failure(backend().push(batch));
    expect(error).toMatchObject({ retryable: false, auth: false, offline: false });
    expect(error?.message).toMatch(/invalid client id "web"/);
  });

  it('rejects an unusable URL or a missing anon key as configuration, hides credentials, and closes', async () => {
    expect(() => backend({ url: 'ftp://example.com' })).toThrow(ConfigError);
    expect(() => backend({ anonKey: '' })).toThrow(/supabase\.anonKey/);
    const b = backend({ url: supabase.url.replace('http://', 'http://user:secret@') + '/' });
    expect(b.url).toBe(supabase.url);
    await b.close();
    await b.close();
    expect(await failure(b.ping())).toBeInstanceOf(BackendError);
  });
});

describe('supabase backend token renewal', () => {
  it('renews an expired access token with the refresh token, and hands over the rotated pair', async () => {
    const { refreshToken } = await supabase.session('alice');
    const renewed: { accessToken: string; refreshToken: string }[] = [];
    const expired = await supabase.mintToken('alice', { ttlSeconds: -5 });
    const b = backend({ accessToken: expired, refreshToken, onTokens: (t) => void renewed.push(t) });
    await b.ping();
    await b.ping();
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.refreshToken).not.toBe(refreshToken);
    // The used refresh token is spent: a second replica holding it must sign in again.
    const stale = await failure(backend({ accessToken: expired, refreshToken }).ping());
    expect(stale).toMatchObject({ auth: true, retryable: false });
    expect(stale?.message).toMatch(/refused the refresh token .*Refresh Token Not Found/);
  });

  it('renews once when a token that looked fresh is refused', async () => {
    const { refreshToken } = await supabase.session('alice');
    let renewals = 0;
    const b = backend({ accessToken: `${token.slice(0, -4)}AAAA`, refreshToken, onTokens: () => void renewals++ });
    await b.ping();
    expect(renewals).toBe(1);
  });

  it('is offline when Supabase Auth cannot be reached for the renewal', async () => {
    const b = backend({ accessToken: null, refreshToken: 'r', url: 'http://127.0.0.1:9' });
    expect(await failure(b.ping())).toMatchObject({ offline: true, retryable: true });
  });
});
