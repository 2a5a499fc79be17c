/**
 * The local Convex server, exercised with the official ConvexHttpClient (and
 * raw fetch where the wire shape itself is the point).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvexHttpClient } from 'convex/browser';
import { ConvexError } from 'convex/values';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../../convex/_generated/api.js';
import { mintDevToken } from '../../../../src/dev/token.js';
import { newId, OpSeq, taskFields } from '../../../sync/contract-helpers.js';
import { startConvexServer, type ConvexTestServer } from '../../../../src/dev/servers/convex/server.js';
import { MAX_PUSH_OPS } from '../../../../src/schema/server/push.js';

let server: ConvexTestServer;
let client: ConvexHttpClient;

beforeAll(async () => {
  server = await startConvexServer();
  client = new ConvexHttpClient(server.url, { logger: false });
  client.setAuth(await server.mintToken('alice'));
});
afterAll(() => server.close());

const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as Error & { data?: unknown });
const post = (path: string, body: unknown, token?: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('local Convex server', () => {
  it('runs mutations and queries and returns their values', async () => {
    const ops = new OpSeq();
    const id = newId();
    const { results } = await client.mutation(api.push.push, ops.batch([ops.create(id, taskFields('hello'))]));
    expect(results[0]).toMatchObject({ status: 'applied', version: 1, fields: { title: 'hello' } });
    expect(await client.query(api.pull.head, {})).toEqual({ headVersion: 1 });
    const page = await client.query(api.pull.pull, { table: 'tasks', cursor: 0, limit: 10 });
    expect(page).toMatchObject({ cursor: 1, hasMore: false, headVersion: 1, changes: [{ recordId: id, version: 1 }] });
  });

  it('answers success and failure in Convex’s wire shape', async () => {
    const token = await server.mintToken('alice');
    const ok = await post('/api/query', { path: 'pull:head', format: 'convex_encoded_json', args: [{}] }, token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'success', value: { headVersion: 1 }, logLines: [] });
    const failed = await post('/api/query', { path: 'pull:head', format: 'convex_encoded_json', args: [{}] });
    expect(failed.status).toBe(560);
    expect(await failed.json()).toMatchObject({ status: 'error', errorData: { code: 'unauthenticated' }, logLines: [] });
    const missing = await post('/api/query', { path: 'nope:nothing', format: 'convex_encoded_json', args: [{}] }, token);
    expect(await missing.json()).toMatchObject({ status: 'error', errorMessage: expect.stringContaining('Could not find public function') });
    expect((await post('/api/query', 'not json', token)).status).toBe(400);
    // The kind-agnostic route takes unwrapped args; consistentQuery goes through query_ts/query_at_ts.
    const any = await post('/api/function', { path: 'pull:head', format: 'convex_encoded_json', args: {} }, token);
    expect(await any.json()).toMatchObject({ status: 'success', value: { headVersion: 1 } });
    expect(await client.consistentQuery(api.pull.head, {})).toEqual({ headVersion: 1 });
  });

  it('surfaces ConvexError data and plain errors through the client', async () => {
    const anonymous = new ConvexHttpClient(server.url, { logger: false });
    const refused = await errorOf(anonymous.query(api.pull.head, {}));
    expect(refused).toBeInstanceOf(ConvexError);
    expect(refused?.data).toMatchObject({ code: 'unauthenticated' });
    const invalid = await errorOf(client.query(api.pull.pull, { table: 'tasks', cursor: 0 } as never));
    expect(invalid).not.toBeInstanceOf(ConvexError);
    expect(invalid?.message).toMatch(/Validator error: Missing required field `limit`/);
    const wrongKind = await errorOf(client.mutation(api.pull.head as never, {}));
    expect(wrongKind?.message).toMatch(/as Mutation, but it is defined as Query/);
  });

  it('refuses bad tokens with HTTP 401 like Convex', async () => {
    const otherKeys = await mkdtemp(join(tmpdir(), 'convoy-other-key-'));
    try {
      const cases: [string, string][] = [
        [await mintDevToken({ keyDir: otherKeys, user: 'alice' }), 'Unauthenticated'],
        [await server.mintToken('alice', { ttlSeconds: -60 }), 'Unauthenticated'],
        [await mintDevToken({ keyDir: otherKeys, user: 'alice', issuer: 'https://elsewhere.example' }), 'NoAuthProvider'],
        ['not-a-jwt', 'InvalidAuthHeader'],
      ];
      for (const [token, code] of cases) {
        const response = await post('/api/query', { path: 'pull:head', format: 'convex_encoded_json', args: [{}] }, token);
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ code });
        const viaClient = new ConvexHttpClient(server.url, { logger: false });
        viaClient.setAuth(token);
        expect((await errorOf(viaClient.query(api.pull.head, {})))?.message).toContain(`"code":"${code}"`);
      }
    } finally {
      await rm(otherKeys, { recursive: true, force: true });
    }
  });

  it('enforces the 8,192-element array limit and the 16 MiB body limit', async () => {
    const ops = new OpSeq();
    const huge = ops.batch(Array.from({ length: 8193 }, () => ops.create(newId(), taskFields('x'))));
    const arrayError = await errorOf(client.mutation(api.push.push, huge));
    expect(arrayError?.message).toContain('Array length is too long (8193 > maximum length 8192)');
    const tooMany = await errorOf(client.mutation(api.push.push, { ...huge, ops: huge.ops.slice(0, MAX_PUSH_OPS + 1) }));
    expect(tooMany?.data).toMatchObject({ code: 'batch_too_large' });
    const big = JSON.stringify({ path: 'pull:head', format: 'convex_encoded_json', args: [{ pad: 'x'.repeat(16 * 1024 * 1024) }] });
    const response = await post('/api/query', big, await server.mintToken('alice'));
    expect(response.status).toBe(413);
  });

  it('goes down and comes back on the same port with its data', async () => {
    const before = await client.query(api.pull.head, {});
    await server.stop();
    expect((await errorOf(client.query(api.pull.head, {})))?.message).toMatch(/fetch failed/);
    await server.start();
    expect(await client.query(api.pull.head, {})).toEqual(before);
  });

  it('gives the same answers with and without its index cache', async () => {
    const servers = await Promise.all([startConvexServer({ indexCache: true }), startConvexServer({ indexCache: false })]);
    const outputs = await Promise.all(servers.map(async (s) => {
      const c = new ConvexHttpClient(s.url, { logger: false });
      c.setAuth(await s.mintToken('alice'));
      const ops = new OpSeq('client-1');
      const ids = Array.from({ length: 30 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const out: unknown[] = [];
      const fields = (i: number) => taskFields(`t${i}`, { createdAt: i });
      out.push(await c.mutation(api.push.push, ops.batch(ids.slice(0, 20).map((id, i) => ops.create(id, fields(i))))));
      out.push(await c.mutation(api.push.push, ops.batch(ids.slice(10).map((id, i) => ops.update(id, { stage: `s${i}` }, 3, { clientTime: i })))));
      out.push(await c.query(api.pull.pull, { table: 'tasks', cursor: 5, limit: 7 }));
      out.push(await c.query(api.pull.pull, { table: 'tasks', cursor: 0, limit: 1000 }));
      return out;
    }));
    expect(outputs[0]).toEqual(outputs[1]);
    await Promise.all(servers.map((s) => s.close()));
  });
});
