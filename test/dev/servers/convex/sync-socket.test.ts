/**
 * The local server's sync WebSocket, exercised with the official
 * `ConvexClient` (and a raw socket where the wire shape is the point).
 */
import { randomUUID } from 'node:crypto';
import { ConvexClient, ConvexHttpClient } from 'convex/browser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api } from '../../../../convex/_generated/api.js';
import { OpSeq, taskFields } from '../../../sync/contract-helpers.js';
import { startConvexServer, type ConvexTestServer } from '../../../../src/dev/servers/convex/server.js';
import { encodeU64 } from '../../../../src/dev/servers/convex/sync-socket.js';

let server: ConvexTestServer;
const clients: { close(): unknown }[] = [];
beforeAll(async () => {
  server = await startConvexServer();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});
afterAll(() => server.close());

function liveClient(token: string, onAuth?: (ok: boolean) => void): ConvexClient {
  const client = new ConvexClient(server.url, { logger: false });
  client.setAuth(async () => token, onAuth);
  clients.push(client);
  return client;
}

function httpClient(token: string): ConvexHttpClient {
  const client = new ConvexHttpClient(server.url, { logger: false });
  client.setAuth(token);
  return client;
}

async function until<T>(read: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw protocol session: what the server sent, and a way to send. */
async function rawSession(): Promise<{ ws: WebSocket; received: Record<string, unknown>[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/1.48.0/sync`);
  const received: Record<string, unknown>[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  clients.push({ close: () => ws.terminate() });
  ws.send(JSON.stringify({ type: 'Connect', sessionId: randomUUID(), connectionCount: 0, lastCloseReason: 'InitialConnect', clientTs: Date.now() }));
  return { ws, received, closed };
}

describe('sync WebSocket', () => {
  it('serves pull:head to ConvexClient.onUpdate, and again after another client pushes', async () => {
    const token = await server.mintToken('live-a');
    const heads: number[] = [];
    let authenticated: boolean | undefined;
    liveClient(token, (ok) => (authenticated = ok)).onUpdate(api.pull.head, {}, ({ headVersion }) => heads.push(headVersion));
    await until(() => (heads.length > 0 ? true : undefined));
    expect(heads).toEqual([0]);
    expect(authenticated).toBe(true);
    expect(server.subscribedQueries()).toBe(1);

    const ops = new OpSeq();
    await httpClient(token).mutation(api.push.push, ops.batch([ops.create(randomUUID(), taskFields('over http'))]));
    await until(() => (heads.length > 1 ? true : undefined));
    expect(heads).toEqual([0, 1]);

    // Another user's write changes nothing this user can see: no update.
    const other = new OpSeq();
    await httpClient(await server.mintToken('live-b')).mutation(api.push.push, other.batch([other.create(randomUUID(), taskFields('not mine'))]));
    await new Promise((r) => setTimeout(r, 300));
    expect(heads).toEqual([0, 1]);
  });

  it('refuses a token it cannot verify: AuthError, then the client runs unauthenticated', async () => {
    const good = await server.mintToken('live-c');
    let authenticated: boolean | undefined;
    const errors: Error[] = [];
    liveClient(`${good}x`, (ok) => (authenticated = ok)).onUpdate(
      api.pull.head,
      {},
      () => errors.push(new Error('unexpected value')),
      (e) => errors.push(e),
    );
    await until(() => authenticated);
    expect(authenticated).toBe(false);
    // Without an identity the query itself refuses, as over HTTP.
    const error = await until(() => errors[0]);
    expect((error as Error & { data?: unknown }).data).toMatchObject({ code: 'unauthenticated' });
  });

  it('speaks the wire protocol: versions, AuthError, QueryRemoved, base-version checks', async () => {
    const { ws, received, closed } = await rawSession();
    const token = await server.mintToken('live-d');
    ws.send(JSON.stringify({ type: 'Authenticate', tokenType: 'User', value: token, baseVersion: 0 }));
    ws.send(JSON.stringify({ type: 'ModifyQuerySet', baseVersion: 0, newVersion: 1, modifications: [{ type: 'Add', queryId: 0, udfPath: 'pull:head', args: [{}] }] }));
    const first = await until(() => received.find((m) => m.type === 'Transition'));
    expect(first).toMatchObject({
      startVersion: { querySet: 0, identity: 0, ts: encodeU64(0n) },
      endVersion: { querySet: 1, identity: 1 },
      modifications: [{ type: 'QueryUpdated', queryId: 0, value: { headVersion: 0 }, logLines: [], journal: null }],
    });
    const ts = (first.endVersion as { ts: string }).ts;
    expect(Buffer.from(ts, 'base64')).toHaveLength(8);

    ws.send(JSON.stringify({ type: 'ModifyQuerySet', baseVersion: 1, newVersion: 2, modifications: [{ type: 'Remove', queryId: 0 }] }));
    const second = await until(() => received.filter((m) => m.type === 'Transition')[1]);
    expect(second).toMatchObject({
      startVersion: first.endVersion,
      endVersion: { querySet: 2, identity: 1 },
      modifications: [{ type: 'QueryRemoved', queryId: 0 }],
    });
    expect(server.subscribedQueries()).toBe(0);

    // A bad token: AuthError naming the identity version the server holds, then the socket closes.
    ws.send(JSON.stringify({ type: 'Authenticate', tokenType: 'User', value: 'not-a-jwt', baseVersion: 1 }));
    expect(await closed).toBe(1005);
    expect(received.at(-1)).toEqual({ type: 'AuthError', error: expect.stringContaining('Could not parse JWT'), baseVersion: 1, authUpdateAttempted: true });

    const again = await rawSession();
    again.ws.send(JSON.stringify({ type: 'ModifyQuerySet', baseVersion: 3, newVersion: 4, modifications: [] }));
    expect(await again.closed).toBe(1005);
    expect(again.received.at(-1)).toEqual({ type: 'FatalError', error: "Base version 3 passed up doesn't match the current version 0" });
  });

  it('is absent when the server is started without WebSocket support', async () => {
    const plain = await startConvexServer({ webSocket: false });
    try {
      const ws = new WebSocket(`${plain.url.replace(/^http/, 'ws')}/api/1.48.0/sync`);
      ws.on('error', () => undefined); // terminate() below reports the abandoned handshake
      const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!)));
      ws.terminate();
      expect(status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
