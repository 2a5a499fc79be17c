/**
 * A local Supabase for tests, CI and the demo: a node:http server on a
 * loopback port answering what convoy's Supabase adapter (and supabase-js's
 * `rpc`) calls, over real Postgres with the project's own migrations (or the
 * SQL generated for another registry: `registry`).
 * A local stand-in for tests and CI, loaded only by
 * the dev server command and the tests.
 *
 * Routes, each behind the API gateway's `apikey` check (anon or service key,
 * as header or query parameter; else 401 like Supabase's gateway):
 *   POST /rest/v1/rpc/<fn>                       PostgREST's function call (postgrest.ts)
 *   GET, POST, PATCH /rest/v1/<table>            PostgREST's table endpoints (tables.ts)
 *   POST /auth/v1/token?grant_type=refresh_token GoTrue's token refresh (rotating refresh tokens)
 *   GET  /realtime/v1/websocket (upgrade)        Realtime's broadcast channels (realtime.ts)
 *
 * The database is PGlite unless `databaseUrl` (default: the DATABASE_URL
 * environment variable) names a PostgreSQL server, where a fresh database
 * is created per server and dropped by close().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import { generateSupabaseSql } from '../../../gen/supabase-sql.js';
import type { Registry } from '../../../schema/registry.js';
import { DEFAULT_JWT_SECRET, Keys, LOCAL_AUTH_ISSUER, userIdFor } from './auth.js';
import { openPglite, openPostgres, type Database } from './database.js';
import { apiRole, pgrstError, RpcHandler, type Reply } from './postgrest.js';
import { handleTable } from './tables.js';
import { RealtimeSockets } from './realtime.js';

export interface SupabaseServerOptions {
  /** Port to listen on; default: a free one chosen by the OS. */
  port?: number;
  /** PostgreSQL server to use instead of PGlite; default process.env.DATABASE_URL. null forces PGlite. */
  databaseUrl?: string | null;
  /** HS256 secret for all JWTs; default the Supabase CLI's local one. */
  jwtSecret?: string;
  /** Serve the SQL generated for these tables instead of supabase/migrations (TABLES). */
  registry?: Registry;
  /** PGlite only: keep the data in this directory across runs (default: in memory). */
  dataDir?: string;
  /** PGlite only: where to cache the loaded schema (see openPglite). */
  cacheDir?: string;
}

export interface SupabaseTestServer {
  /** Project URL to give supabase-js, e.g. http://127.0.0.1:41234. */
  url: string;
  anonKey: string;
  serviceKey: string;
  /** The database the server uses (tests may query it directly). */
  db: Database;
  /** The UUID (auth.uid()) of test user `user`. */
  userId(user: string): string;
  /**
   * An access token for `user` (created in auth.users on first use); negative
   * ttl: expired. Its claims carry `email` (<user>@example.test) and, when
   * given, `name`: what the server remembers as the user's display name.
   */
  mintToken(user: string, options?: { ttlSeconds?: number; name?: string }): Promise<string>;
  /** A signed-in session for `user`: an access token and a refresh token. */
  session(user: string, options?: { ttlSeconds?: number }): Promise<{ accessToken: string; refreshToken: string }>;
  /** Realtime channels joined over WebSockets right now. */
  joinedChannels(): number;
  /** Realtime WebSockets opened since the server started. */
  realtimeSockets(): number;
  /** Close the listening socket and every open connection (Realtime's too); the data stays. */
  stop(): Promise<void>;
  /** Listen again on the same port with the same data. */
  start(): Promise<void>;
  /** Stop for good and release the database. */
  close(): Promise<void>;
}

/** Start a server; resolves once it is listening. */
export async function startSupabaseServer(options: SupabaseServerOptions = {}): Promise<SupabaseTestServer> {
  const databaseUrl = options.databaseUrl === undefined ? process.env.DATABASE_URL : options.databaseUrl;
  const schema = options.registry === undefined ? {} : { sql: generateSupabaseSql(options.registry) };
  const db = databaseUrl ? await openPostgres(databaseUrl, schema) : await openPglite({ ...schema, dataDir: options.dataDir, cacheDir: options.cacheDir });
  const keys = await Keys.create(options.jwtSecret ?? DEFAULT_JWT_SECRET, LOCAL_AUTH_ISSUER);
  const users = new Set<string>();
  // A user exists once a token names it: minted here, by `convoy dev token --supabase`, or refreshed.
  const ensureUserId = async (id: string, email: string | null) => {
    if (users.has(id)) return;
    await db.query('insert into auth.users (id, email) values ($1, $2) on conflict (id) do nothing', [id, email]);
    users.add(id);
  };
  const ensureUser = (user: string) => ensureUserId(userIdFor(user), `${user}@example.test`);
  const app = new App(db, keys, ensureUser, ensureUserId);
  const realtime = new RealtimeSockets(db, keys);
  await realtime.start();
  const listener = new Listener(
    (req, res) => {
      app.handle(req).then(
        (reply) => send(res, reply),
        (error: unknown) => send(res, pgrstError(500, 'PGRST000', String((error as Error)?.message ?? error))),
      );
    },
    realtime,
    options.port ?? 0,
  );
  await listener.start();
  const mintToken = async (user: string, o: { ttlSeconds?: number; name?: string } = {}) => {
    await ensureUser(user);
    return keys.accessToken(user, o.ttlSeconds, o.name);
  };
  return {
    url: `http://127.0.0.1:${listener.port}`,
    anonKey: keys.anonKey,
    serviceKey: keys.serviceKey,
    db,
    userId: userIdFor,
    mintToken,
    session: async (user, o) => ({ accessToken: await mintToken(user, o), refreshToken: keys.refreshToken(user) }),
    joinedChannels: () => realtime.joinedChannels(),
    realtimeSockets: () => realtime.opened,
    stop: () => listener.stop(),
    start: () => listener.start(),
    close: async () => {
      await listener.stop();
      await db.close();
    },
  };
}

/** A node:http server on 127.0.0.1 that can stop (dropping connections) and start again on the same port. */
class Listener {
  #server: Server | null = null;

  constructor(
    private readonly handler: (req: IncomingMessage, res: ServerResponse) => void,
    private readonly realtime: RealtimeSockets,
    public port: number,
  ) {}

  async start(): Promise<void> {
    if (this.#server !== null) return;
    const s = createServer(this.handler);
    s.on('upgrade', (req, socket, head) => this.realtime.handleUpgrade(req, socket, head as Buffer));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (s.address() as AddressInfo).port;
    this.#server = s;
  }

  async stop(): Promise<void> {
    const s = this.#server;
    if (s === null) return;
    this.#server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections();
    this.realtime.closeAll();
    await closed;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class App {
  readonly #rpc: RpcHandler;

  constructor(
    private readonly db: Database,
    private readonly keys: Keys,
    private readonly ensureUser: (user: string) => Promise<void>,
    private readonly ensureUserId: (id: string, email: string | null) => Promise<void>,
  ) {
    this.#rpc = new RpcHandler(db);
  }

  async handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const apikey = req.headers.apikey ?? url.searchParams.get('apikey');
    if (!apikey) return { status: 401, body: { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' } };
    if (apikey !== this.keys.anonKey && apikey !== this.keys.serviceKey) {
      return { status: 401, body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
    }
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/auth/v1/token') return await this.#token(url, raw);
    const rpc = /^\/rest\/v1\/rpc\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
    const table = /^\/rest\/v1\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
    if (rpc === null && table === null) return pgrstError(404, 'PGRST125', `Invalid path specified in request URL: ${url.pathname}`);
    if (rpc !== null && req.method !== 'POST') return pgrstError(405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
    const profile = req.headers['content-profile'] ?? req.headers['accept-profile'];
    if (profile !== undefined && profile !== 'public') {
      return pgrstError(406, 'PGRST106', 'The schema must be one of the following: public', null, null);
    }
    const auth = await this.#claims(req.headers.authorization);
    if (!auth.ok) return auth.reply;
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw);
    } catch {
      return pgrstError(400, 'PGRST102', 'Empty or invalid json');
    }
    if (table !== null) {
      const request = { method: req.method ?? 'GET', table: table[1]!, query: url.searchParams, body, role: apiRole(auth.claims), claims: auth.claims };
      return await handleTable(this.db, { ...request, prefer: String(req.headers.prefer ?? ''), headers: req.headers });
    }
    return await this.#rpc.call(rpc![1]!, body, auth.claims, req.headers);
  }

  /** PostgREST's JWT handling: no token means the anon role; a bad or expired one is refused. */
  async #claims(header: string | undefined): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reply: Reply }> {
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (token === '') return { ok: true, claims: { role: 'anon' } };
    const verified = await this.keys.verify(token);
    if (verified.ok) {
      const { sub, role, email } = verified.claims;
      if (role === 'authenticated' && typeof sub === 'string' && UUID.test(sub)) await this.ensureUserId(sub, typeof email === 'string' ? email : null);
      return { ok: true, claims: verified.claims };
    }
    const reply = pgrstError(401, 'PGRST301', verified.message);
    return { ok: false, reply: { ...reply, headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${verified.message}"` } } };
  }

  /** GoTrue's refresh grant: a used refresh token is spent, a new pair issued. */
  async #token(url: URL, raw: string): Promise<Reply> {
    const fail = (status: number, errorCode: string, msg: string): Reply => ({ status, body: { code: status, error_code: errorCode, msg } });
    if (url.searchParams.get('grant_type') !== 'refresh_token') return fail(400, 'validation_failed', 'unsupported_grant_type');
    let token: unknown;
    try {
      token = (JSON.parse(raw) as { refresh_token?: unknown }).refresh_token;
    } catch {
      return fail(400, 'bad_json', 'Could not parse request body as JSON');
    }
    const user = typeof token === 'string' ? this.keys.spendRefreshToken(token) : null;
    if (user === null) return fail(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    await this.ensureUser(user);
    const expiresIn = 3600;
    return {
      status: 200,
      body: {
        access_token: await this.keys.accessToken(user, expiresIn),
        token_type: 'bearer',
        expires_in: expiresIn,
        expires_at: Math.floor(Date.now() / 1000) + expiresIn,
        refresh_token: this.keys.refreshToken(user),
        user: { id: userIdFor(user), aud: 'authenticated', role: 'authenticated', email: `${user}@example.test` },
      },
    };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const json = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(json === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(json),
    ...reply.headers,
  });
  res.end(json);
}
