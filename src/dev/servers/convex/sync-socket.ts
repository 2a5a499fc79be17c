/**
 * The Convex sync protocol's query subscriptions, as the official
 * `ConvexClient` speaks it over a WebSocket at `/api/<version>/sync` (see
 * convex/dist/esm/browser/sync/ and the backend's crates/sync). Part of the
 * local stand-in server, attached to it by server.ts.
 *
 * Per connection, as the backend's sync worker does: `Connect` is noted,
 * `ModifyQuerySet` and `Authenticate` must name the client's current query
 * set / identity version as their base, and each batch of them is answered
 * with one `Transition` from the version the client holds to the new one
 * (querySet, identity, ts), carrying `QueryUpdated`/`QueryFailed` for added
 * queries and `QueryRemoved` for removed ones. A refused token gets
 * `AuthError` (authUpdateAttempted: true) and the socket closes, as does an
 * identity whose token has since expired (authUpdateAttempted: false).
 * After every write anywhere (`invalidate()`) every query of every connection
 * is run again; a Transition goes out only where a result changed (the
 * backend reruns only queries whose read set the write touched, and dedupes
 * unchanged results the same way). `Ping` every 15 s of silence.
 *
 * Not covered: `Mutation` and `Action` messages (answered with FatalError:
 * use the HTTP API), query journals (always null), components, admin keys,
 * TransitionChunks, `maxObservedTimestamp` checks.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserIdentity } from 'convex/server';
import type { JSONValue } from 'convex/values';
import { decodeJwt } from 'jose';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TokenVerifier } from './auth.js';
import type { ConvexRuntime } from './runtime.js';

export const SYNC_PATH = /^\/api\/[^/]+\/sync$/;
const HEARTBEAT_MS = 15_000;

type ClientMessage =
  | { type: 'Connect'; sessionId: string; clientTs?: number }
  | { type: 'ModifyQuerySet'; baseVersion: number; newVersion: number; modifications: QuerySetModification[] }
  | { type: 'Authenticate'; tokenType: 'User' | 'Admin' | 'None'; value?: string; baseVersion: number }
  | { type: 'Mutation' | 'Action'; requestId: number }
  | { type: 'Event' };
type QuerySetModification = { type: 'Add'; queryId: number; udfPath: string; args: JSONValue[] } | { type: 'Remove'; queryId: number };
type StateModification = Record<string, JSONValue> & { type: string; queryId: number };
interface StateVersion {
  querySet: number;
  identity: number;
  ts: bigint;
}
interface Identity {
  user: UserIdentity | null;
  /** Token expiry, seconds since the epoch. */
  exp: number | null;
}

/** Why a connection ends: a message for the client (FatalError, AuthError), or a close code for the backend's own failure. */
class SyncFailure extends Error {
  constructor(
    message: string,
    readonly final: Record<string, JSONValue> | null,
  ) {
    super(message);
  }
}
const fatal = (message: string) => new SyncFailure(message, { type: 'FatalError', error: message });
const internal = (message: string) => new SyncFailure(message, null);

/** A u64 as the protocol encodes it: 8 little-endian bytes in base64. */
export function encodeU64(value: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes.toString('base64');
}

const encodeVersion = (v: StateVersion) => ({ querySet: v.querySet, identity: v.identity, ts: encodeU64(v.ts) });

export class SyncSockets {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private lastTs = 0n;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly runtime: ConvexRuntime,
  ) {}

  /** The http server's 'upgrade' handler: the sync path becomes a sync connection, anything else a 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!SYNC_PATH.test(new URL(req.url ?? '/', 'http://localhost').pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, this.verifier, this.runtime, () => this.nextTs());
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
    });
  }

  /** A write committed: every connection reruns its queries. */
  invalidate(): void {
    for (const connection of this.connections) connection.invalidate();
  }

  /** Queries subscribed across open connections (answered at least once). */
  subscribedQueries(): number {
    let count = 0;
    for (const connection of this.connections) count += connection.subscribedQueries();
    return count;
  }

  /** Drop every connection abruptly, as a server going away does. */
  closeAll(): void {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
  }

  /** Server-wide, strictly increasing, in nanoseconds like the backend's timestamps. */
  private nextTs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    this.lastTs = now > this.lastTs ? now : this.lastTs + 1n;
    return this.lastTs;
  }
}

class Connection {
  /** What the client holds: the version of the last Transition sent. */
  private version: StateVersion = { querySet: 0, identity: 0, ts: 0n };
  /** Versions the client's messages have moved to (the base of its next ones). */
  private readonly received = { querySet: 0, identity: 0 };
  private identity: Identity = { user: null, exp: null };
  private pendingIdentity: Identity | null = null;
  private readonly pendingQueries: QuerySetModification[] = [];
  private readonly queries = new Map<number, { udfPath: string; args: JSONValue; hash: string | null }>();
  private readonly inbox: unknown[] = [];
  private updateNeeded = false;
  private invalidated = false;
  private running = false;
  private clientClockSkew: number | undefined;
  private lastSentAt = Date.now();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly verifier: TokenVerifier,
    private readonly runtime: ConvexRuntime,
    private readonly nextTs: () => bigint,
  ) {
    ws.on('message', (data, isBinary) => {
      this.inbox.push(isBinary ? null : String(data));
      void this.pump();
    });
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastSentAt >= HEARTBEAT_MS) this.send({ type: 'Ping' });
    }, HEARTBEAT_MS / 3);
    ws.on('close', () => clearInterval(this.heartbeat));
    ws.on('error', () => undefined); // a broken frame: ws closes the socket itself
  }

  invalidate(): void {
    this.invalidated = true;
    this.updateNeeded = true;
    void this.pump();
  }

  subscribedQueries(): number {
    return [...this.queries.values()].filter((q) => q.hash !== null).length;
  }

  terminate(): void {
    clearInterval(this.heartbeat);
    this.ws.terminate();
  }

  /** Handle messages in order, then bring the client up to date; one pass at a time. */
  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.ws.readyState === this.ws.OPEN && (this.inbox.length > 0 || this.updateNeeded)) {
        while (this.inbox.length > 0) await this.handle(this.inbox.shift());
        if (this.updateNeeded) {
          this.updateNeeded = false;
          await this.update();
        }
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.running = false;
    }
  }

  private async handle(raw: unknown): Promise<void> {
    let message: ClientMessage;
    try {
      message = JSON.parse(raw as string) as ClientMessage;
      if (typeof message?.type !== 'string') throw new Error('no message type');
    } catch (error) {
      throw fatal(`Received Invalid JSON on websocket: ${(error as Error).message}`);
    }
    switch (message.type) {
      case 'Connect':
        if (typeof message.clientTs === 'number') this.clientClockSkew = message.clientTs - Date.now();
        return;
      case 'ModifyQuerySet': {
        if (message.baseVersion !== this.received.querySet) {
          throw fatal(`Base version ${message.baseVersion} passed up doesn't match the current version ${this.received.querySet}`);
        }
        if (!(message.baseVersion < message.newVersion)) throw internal('query set version did not advance');
        this.pendingQueries.push(...message.modifications);
        this.received.querySet = message.newVersion;
        this.updateNeeded = true;
        return;
      }
      case 'Authenticate': {
        const identity = await this.authenticate(message);
        if (message.baseVersion !== this.received.identity) throw internal('identity base version mismatch');
        this.pendingIdentity = identity;
        this.received.identity += 1;
        this.updateNeeded = true;
        return;
      }
      case 'Mutation':
      case 'Action':
        throw fatal(`The local test server runs ${message.type.toLowerCase()}s over HTTP only (ConvexHttpClient), not over the sync WebSocket`);
      case 'Event':
        return;
      default:
        throw fatal(`Received Invalid JSON on websocket: unknown message type ${JSON.stringify((message as { type: string }).type)}`);
    }
  }

  /** The identity a token names, verified exactly as the HTTP API verifies a bearer token. */
  private async authenticate(message: Extract<ClientMessage, { type: 'Authenticate' }>): Promise<Identity> {
    if (message.tokenType === 'None') return { user: null, exp: null };
    const header = message.tokenType === 'Admin' ? `Convex ${message.value ?? ''}` : `Bearer ${message.value ?? ''}`;
    const outcome = await this.verifier.identify(header);
    if (!outcome.ok) {
      const error = outcome.body.message;
      throw new SyncFailure(error, { type: 'AuthError', error, baseVersion: this.version.identity, authUpdateAttempted: true });
    }
    return { user: outcome.identity, exp: decodeJwt(message.value!).exp ?? null };
  }

  /** Apply pending changes, rerun what needs it, and send a Transition if the client's view moved. */
  private async update(): Promise<void> {
    const rerunAll = this.invalidated || this.pendingIdentity !== null;
    this.invalidated = false;
    if (this.pendingIdentity !== null) {
      this.identity = this.pendingIdentity;
      this.pendingIdentity = null;
    }
    if (this.identity.exp !== null && this.identity.exp <= Date.now() / 1000) {
      const error = 'Convex token identity expired';
      throw new SyncFailure(error, { type: 'AuthError', error, baseVersion: this.version.identity, authUpdateAttempted: false });
    }
    const end: StateVersion = { querySet: this.received.querySet, identity: this.received.identity, ts: this.nextTs() };
    const modifications = new Map<number, StateModification>();
    for (const change of this.pendingQueries.splice(0)) {
      if (change.type === 'Add') {
        if (this.queries.has(change.queryId)) throw internal(`Duplicate query ID: ${change.queryId}`);
        this.queries.set(change.queryId, { udfPath: change.udfPath, args: change.args?.[0] ?? {}, hash: null });
      } else {
        if (!this.queries.delete(change.queryId)) throw internal(`Nonexistent query id: ${change.queryId}`);
        modifications.set(change.queryId, { type: 'QueryRemoved', queryId: change.queryId });
      }
    }
    for (const [queryId, query] of this.queries) {
      if (query.hash !== null && !rerunAll) continue;
      const reply = await this.runtime.call('query', query.udfPath, query.args, this.identity.user);
      if (!this.queries.has(queryId)) continue; // removed meanwhile (not possible today: one pass at a time)
      const body = reply.body as { value?: JSONValue; errorMessage?: string; errorData?: JSONValue };
      const modification: StateModification =
        reply.status === 200
          ? { type: 'QueryUpdated', queryId, value: body.value ?? null, logLines: [], journal: null }
          : {
              type: 'QueryFailed',
              queryId,
              errorMessage: body.errorMessage ?? 'Server Error',
              logLines: [],
              ...(body.errorData === undefined ? {} : { errorData: body.errorData }),
              journal: null,
            };
      const hash = JSON.stringify(modification);
      if (hash === query.hash) continue;
      query.hash = hash;
      modifications.set(queryId, modification);
    }
    const moved = end.querySet !== this.version.querySet || end.identity !== this.version.identity;
    if (!moved && modifications.size === 0) return;
    this.send({
      type: 'Transition',
      startVersion: encodeVersion(this.version),
      endVersion: encodeVersion(end),
      modifications: [...modifications.entries()].sort(([a], [b]) => a - b).map(([, m]) => m),
      ...(this.clientClockSkew === undefined ? {} : { clientClockSkew: this.clientClockSkew }),
      serverTs: Date.now() * 1_000_000,
    });
    this.version = end;
  }

  private send(message: Record<string, JSONValue>): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.lastSentAt = Date.now();
    this.ws.send(JSON.stringify(message));
  }

  /**
   * End the connection as the backend does: a client error's final message
   * (FatalError, AuthError), then a close frame without a status; the
   * backend's own failure closes with 1011 and no message.
   */
  private fail(error: unknown): void {
    if (error instanceof SyncFailure && error.final !== null) {
      this.send(error.final);
      this.ws.close();
    } else {
      this.ws.close(1011, `InternalServerError: ${(error as Error).message}`.slice(0, 123));
    }
  }
}
