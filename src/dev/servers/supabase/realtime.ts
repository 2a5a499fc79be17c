/**
 * Supabase Realtime's broadcast channels, as the official client
 * (`@supabase/realtime-js`, supabase-js's `channel()`) speaks them over a
 * WebSocket at `/realtime/v1/websocket?apikey=…&vsn=…` (Phoenix channels;
 * see supabase/realtime's RealtimeChannel and Tenants.Authorization). Part of
 * the local Supabase server, attached to it by server.ts.
 *
 * Phoenix messages are `[join_ref, ref, topic, event, payload]` (vsn 2.0.0)
 * or `{join_ref, ref, topic, event, payload}` (1.0.0), answered in kind:
 *   - `heartbeat` on topic `phoenix` → `phx_reply` ok;
 *   - `phx_join` on `realtime:<name>` with `{config, access_token}` → ok, or
 *     an error with the reason: a bad or expired token, postgres_changes
 *     asked for (not served here), or for a private channel a user whom the
 *     row-level security of realtime.messages does not let read `<name>`
 *     (checked as Realtime does: a probe message inserted, read back as the
 *     user with realtime.topic set, rolled back);
 *   - `access_token` → the channel takes the new token (checked again;
 *     refused: a `system` error and `phx_close`);
 *   - `phx_leave` → ok, then `phx_close`.
 * A broadcast sent by the database (realtime.send, heard through NOTIFY at
 * commit: baseline.sql) goes to every joined channel of that name and
 * privacy as event `broadcast`, payload `{type: 'broadcast', event, payload}`;
 * a channel whose token has expired by then is closed instead.
 *
 * Not covered: presence, postgres_changes, broadcasts sent by clients
 * (WebSocket or REST), replay, binary frames.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { JWTPayload } from 'jose';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Keys } from './auth.js';
import type { Database } from './database.js';

export const REALTIME_PATH = '/realtime/v1/websocket';
/** The NOTIFY channel realtime.send of baseline.sql speaks on. */
export const NOTIFY_CHANNEL = 'realtime_local';
const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);

interface Message {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

interface Channel {
  joinRef: string | null;
  name: string;
  private: boolean;
  claims: JWTPayload;
}

/** Refused: the reason goes back to the client. */
class Refusal extends Error {}

export class RealtimeSockets {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  #opened = 0;

  constructor(
    private readonly db: Database,
    private readonly keys: Keys,
  ) {}

  /** Hear the database's broadcasts. Resolves once listening. */
  async start(): Promise<void> {
    await this.db.listen(NOTIFY_CHANNEL, (text) => {
      const sent = JSON.parse(text) as { topic: string; event: string; payload: unknown; private: boolean };
      for (const connection of this.connections) connection.deliver(sent);
    });
  }

  /** The http server's 'upgrade' handler for the Realtime path (anything else: 404; no or a wrong apikey: 401). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    if (url.pathname !== REALTIME_PATH) return void refuse('404 Not Found');
    const apikey = url.searchParams.get('apikey');
    if (apikey !== this.keys.anonKey && apikey !== this.keys.serviceKey) return void refuse('401 Unauthorized');
    const v1 = url.searchParams.get('vsn') === '1.0.0';
    this.#opened++;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, v1, apikey, this.db, this.keys);
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
    });
  }

  /** WebSockets opened since the server started. */
  get opened(): number {
    return this.#opened;
  }

  /** Channels joined across open connections. */
  joinedChannels(): number {
    let count = 0;
    for (const connection of this.connections) count += connection.channels.size;
    return count;
  }

  /** Drop every connection abruptly, as a server going away does. */
  closeAll(): void {
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
  }
}

class Connection {
  /** Joined channels by topic (`realtime:<name>`). */
  readonly channels = new Map<string, Channel>();
  /** Messages are handled one at a time, in order, as a Phoenix socket does. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ws: WebSocket,
    private readonly v1: boolean,
    private readonly apikey: string,
    private readonly db: Database,
    private readonly keys: Keys,
  ) {
    ws.on('message', (data, binary) => {
      this.queue = this.queue.then(() => this.handle(binary ? null : data.toString())).catch(() => ws.terminate());
    });
  }

  private send(message: Message): void {
    const { join_ref, ref, topic, event, payload } = message;
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(this.v1 ? message : [join_ref, ref, topic, event, payload]));
  }

  private reply(to: Message, status: 'ok' | 'error', response: Record<string, unknown>): void {
    this.send({ join_ref: to.join_ref, ref: to.ref, topic: to.topic, event: 'phx_reply', payload: { status, response } });
  }

  private async handle(text: string | null): Promise<void> {
    const message = text === null ? null : decode(text, this.v1);
    if (message === null) return void this.ws.close(1003, 'unsupported message');
    if (message.topic === 'phoenix' && message.event === 'heartbeat') return this.reply(message, 'ok', {});
    const channel = this.channels.get(message.topic);
    try {
      if (message.event === 'phx_join') return await this.join(message);
      if (channel === undefined) return this.reply(message, 'error', { reason: 'unmatched topic' });
      if (message.event === 'access_token') return await this.renew(channel, message);
      if (message.event === 'phx_leave') return this.leave(channel, message);
      this.reply(message, 'error', { reason: `${message.event} is not served by the local Realtime server` });
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (message.event === 'phx_join') return this.reply(message, 'error', { reason: error.message });
      this.send({ join_ref: channel?.joinRef ?? null, ref: null, topic: message.topic, event: 'system', payload: { status: 'error', extension: 'system', message: error.message } });
      if (channel !== undefined) this.close(channel, message.topic);
    }
  }

  private async join(message: Message): Promise<void> {
    if (!message.topic.startsWith('realtime:')) throw new Refusal(`topic ${message.topic} is not a Realtime channel (realtime:<name>)`);
    const config = (message.payload.config ?? {}) as { private?: unknown; postgres_changes?: unknown[] };
    if ((config.postgres_changes ?? []).length > 0) throw new Refusal('postgres_changes are not served by the local Realtime server; use broadcast');
    const channel: Channel = {
      joinRef: message.join_ref,
      name: message.topic.slice('realtime:'.length),
      private: config.private === true,
      claims: await this.claims(message.payload.access_token),
    };
    if (channel.private) await this.authorize(channel);
    this.channels.set(message.topic, channel);
    this.reply(message, 'ok', { postgres_changes: [] });
  }

  private async renew(channel: Channel, message: Message): Promise<void> {
    channel.claims = await this.claims(message.payload.access_token);
    if (channel.private) await this.authorize(channel);
  }

  private leave(channel: Channel, message: Message): void {
    this.reply(message, 'ok', {});
    this.close(channel, message.topic);
  }

  private close(channel: Channel, topic: string): void {
    this.channels.delete(topic);
    this.send({ join_ref: channel.joinRef, ref: null, topic, event: 'phx_close', payload: {} });
  }

  /** The claims of the token given (else of the apikey); Refusal for a bad or expired one. */
  private async claims(token: unknown): Promise<JWTPayload> {
    const verified = await this.keys.verify(typeof token === 'string' && token !== '' ? token : this.apikey);
    if (!verified.ok) throw new Refusal(`Invalid JWT: ${verified.message}`);
    return verified.claims;
  }

  /** Realtime's read check of a private channel; Refusal when the user may not read its broadcasts. */
  private async authorize(channel: Channel): Promise<void> {
    const role = typeof channel.claims.role === 'string' && API_ROLES.has(channel.claims.role) ? channel.claims.role : 'anon';
    const probe = Symbol('rollback');
    let allowed = false;
    await this.db
      .transaction(async (s) => {
        const [row] = await s.query(`insert into realtime.messages (topic, extension, private) values ($1, 'broadcast', true) returning id`, [channel.name]);
        await s.query(`set local role ${role}`);
        await s.query(`select set_config('realtime.topic', $1, true), set_config('request.jwt.claims', $2, true)`, [channel.name, JSON.stringify(channel.claims)]);
        const read = await s.query(`select 1 from realtime.messages where id = $1 and topic = $2 and extension = 'broadcast'`, [row!.id, channel.name]);
        allowed = read.length === 1;
        throw probe; // roll the probe back
      })
      .catch((error: unknown) => {
        if (error !== probe) throw error;
      });
    if (!allowed) throw new Refusal(`Unauthorized: You do not have permissions to read from this Channel topic: ${channel.name}`);
  }

  /** A database broadcast: to each joined channel of its name and privacy (closing those whose token has expired). */
  deliver(sent: { topic: string; event: string; payload: unknown; private: boolean }): void {
    for (const [topic, channel] of this.channels) {
      if (channel.name !== sent.topic || channel.private !== sent.private) continue;
      if (typeof channel.claims.exp === 'number' && channel.claims.exp * 1000 <= Date.now()) {
        this.send({ join_ref: channel.joinRef, ref: null, topic, event: 'system', payload: { status: 'error', extension: 'system', message: 'Token has expired' } });
        this.close(channel, topic);
        continue;
      }
      this.send({ join_ref: null, ref: null, topic, event: 'broadcast', payload: { type: 'broadcast', event: sent.event, payload: sent.payload } });
    }
  }
}

/** A Phoenix message of either serializer version, or null when it is not one. */
function decode(text: string, v1: boolean): Message | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const fields = v1 ? (value as Message | null) : Array.isArray(value) && value.length === 5 ? { join_ref: value[0], ref: value[1], topic: value[2], event: value[3], payload: value[4] } : null;
  if (fields === null || typeof fields !== 'object' || typeof fields.topic !== 'string' || typeof fields.event !== 'string') return null;
  return { join_ref: fields.join_ref ?? null, ref: fields.ref ?? null, topic: fields.topic, event: fields.event, payload: typeof fields.payload === 'object' && fields.payload !== null ? fields.payload : {} };
}
