/**
 * A local Convex server for tests, CI and the demo: a node:http server on a
 * loopback port speaking the HTTP API the official `ConvexHttpClient` uses,
 * executing the project's own convex/ functions with `convex-test`
 * (see runtime.ts) and checking bearer tokens against a local dev key
 * (see auth.ts). A local stand-in for tests and CI, loaded only by
 * the dev server command and the tests.
 *
 * Routes: POST /api/query, /api/mutation, /api/action (body `{path, format:
 * "convex_encoded_json", args: [args]}`), /api/function (args not wrapped,
 * kind taken from the function), /api/query_ts and /api/query_at_ts (used
 * by `consistentQuery`; every query reads the latest state here). WebSocket
 * upgrades of /api/<version>/sync speak the sync protocol's query
 * subscriptions, for the official `ConvexClient` (see sync-socket.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSONValue } from 'convex/values';
import { mintDevToken } from '../../token.js';
import type { Registry } from '../../../schema/registry.js';
import { TokenVerifier } from './auth.js';
import { ConvexRuntime, type Reply, type UdfKind } from './runtime.js';
import { SyncSockets } from './sync-socket.js';

/** Convex refuses function arguments over 16 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ConvexServerOptions {
  /** Port to listen on; default: a free one chosen by the OS. */
  port?: number;
  /** Directory of the dev key pair (created if missing); default: a fresh temp dir, removed by close(). */
  keyDir?: string;
  /** Speed up indexed queries (see index-cache.ts); default on unless CONVOY_CONVEX_TEST_NO_INDEX=1. */
  indexCache?: boolean;
  /** Answer the sync protocol on /api/<version>/sync (default true); false: a server without WebSocket support. */
  webSocket?: boolean;
  /** Serve these declared tables instead of the app's (src/schema/tables.ts): schema and functions built for them. */
  registry?: Registry;
}

export interface ConvexTestServer {
  /** Deployment URL to give `ConvexHttpClient`, e.g. http://127.0.0.1:41234. */
  url: string;
  /** A token for `user`, signed with the server's dev key. */
  mintToken(user: string, options?: { ttlSeconds?: number; name?: string }): Promise<string>;
  /** Queries clients hold live over sync WebSockets right now, each answered at least once. */
  subscribedQueries(): number;
  /** Close the listening socket and every open connection; the data stays. */
  stop(): Promise<void>;
  /** Listen again on the same port with the same data. */
  start(): Promise<void>;
  /** Stop for good and remove the temporary key directory, if one was made. */
  close(): Promise<void>;
}

const ROUTES: Record<string, UdfKind | 'any' | 'ts'> = {
  '/api/query': 'query',
  '/api/query_at_ts': 'query',
  '/api/mutation': 'mutation',
  '/api/action': 'action',
  '/api/function': 'any',
  '/api/query_ts': 'ts',
};

/** Start a server; resolves once it is listening. */
export async function startConvexServer(options: ConvexServerOptions = {}): Promise<ConvexTestServer> {
  const ownKeyDir = options.keyDir === undefined;
  const keyDir = options.keyDir ?? (await mkdtemp(join(tmpdir(), 'convoy-convex-keys-')));
  const verifier = await TokenVerifier.create(keyDir);
  const runtime = await ConvexRuntime.create({
    indexCache: options.indexCache ?? process.env.CONVOY_CONVEX_TEST_NO_INDEX !== '1',
    registry: options.registry,
  });
  const sync = options.webSocket === false ? null : new SyncSockets(verifier, runtime);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, verifier, runtime, sync).then(
      (reply) => send(res, reply),
      (error: unknown) => send(res, { status: 500, body: { code: 'InternalServerError', message: String(error) } }),
    );
  };
  let server: Server | null = null;
  let port = options.port ?? 0;
  const start = async () => {
    if (server !== null) return;
    const s = createServer(handler);
    if (sync !== null) s.on('upgrade', (req, socket, head) => sync.handleUpgrade(req, socket, head as Buffer));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stop = async () => {
    const s = server;
    if (s === null) return;
    server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections();
    sync?.closeAll();
    await closed;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    mintToken: (user, o) => mintDevToken({ keyDir, user, ttlSeconds: o?.ttlSeconds, name: o?.name }),
    subscribedQueries: () => sync?.subscribedQueries() ?? 0,
    stop,
    start,
    close: async () => {
      await stop();
      if (ownKeyDir) await rm(keyDir, { recursive: true, force: true });
    },
  };
}

async function handle(req: IncomingMessage, verifier: TokenVerifier, runtime: ConvexRuntime, sync: SyncSockets | null): Promise<Reply> {
  const route = ROUTES[new URL(req.url ?? '/', 'http://localhost').pathname];
  if (route === undefined) return { status: 404, body: { code: 'NotFound', message: `no route ${req.method} ${req.url}` } };
  if (req.method !== 'POST') return { status: 405, body: { code: 'MethodNotAllowed', message: 'use POST' } };
  const raw = await readBody(req);
  if (raw === null) {
    return { status: 413, body: { code: 'PayloadTooLarge', message: `Request body is larger than the ${MAX_BODY_BYTES} byte limit` } };
  }
  if (route === 'ts') return { status: 200, body: { ts: String(Date.now() * 1_000_000) } };
  let body: { path?: unknown; args?: unknown; format?: unknown };
  try {
    body = JSON.parse(raw.length === 0 ? '{}' : raw.toString('utf8')) as typeof body;
  } catch {
    return { status: 400, body: { code: 'BadJsonBody', message: 'Request body is not valid JSON' } };
  }
  const args = route === 'any' ? body.args : Array.isArray(body.args) ? body.args[0] : undefined;
  if (typeof body.path !== 'string' || (body.format !== undefined && body.format !== 'convex_encoded_json')) {
    return { status: 400, body: { code: 'BadJsonBody', message: 'Expected {path, format: "convex_encoded_json", args}' } };
  }
  const auth = await verifier.identify(req.headers.authorization);
  if (!auth.ok) return { status: auth.status, body: auth.body };
  const reply = await runtime.call(route, body.path, (args ?? {}) as JSONValue, auth.identity);
  // Anything but a query may have written: subscribed queries run again.
  if (reply.status === 200 && route !== 'query') sync?.invalidate();
  return reply;
}

/** The whole body, or null once it passes MAX_BODY_BYTES (the rest is drained, not kept). */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
