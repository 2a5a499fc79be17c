/**
 * An in-memory sync server: the reference implementation of the server half
 * (src/schema/server/) on plain maps, for tests. Several backends connect to
 * one server as different users and replicas, like clients of a deployment.
 * Nothing persists; nothing leaves the process.
 *
 * Calls run one at a time (each is one transaction of its user's data), so
 * concurrency never interleaves two writes; `stop()` makes every call fail
 * as unreachable until `start()`, with the data kept.
 */
import type { ChecksumAnswer, ChecksumRequest, Fields, PullAllPage, PullAllRequest, PullPage, PullRequest, PushBatch, PushResult } from '../../../schema/protocol.js';
import type { Registry } from '../../../schema/registry.js';
import { checksum } from '../../../schema/server/checksum.js';
import { applyPush } from '../../../schema/server/push.js';
import { pullAll } from '../../../schema/server/pull-all.js';
import { headVersion, pullPage } from '../../../schema/server/read.js';
import type { RecordState } from '../../../schema/server/records.js';
import { applyWebWrite } from '../../../schema/server/web.js';
import { TABLES } from '../../../schema/tables.js';
import { emptyUserData, MemoryStore, type UserData } from './store.js';

/** Why a call did not run: the server is stopped, or the token is unknown. */
export class MemoryServerUnavailable extends Error {
  override readonly name = 'MemoryServerUnavailable';
  constructor(readonly reason: 'stopped' | 'unauthenticated') {
    super(reason === 'stopped' ? 'the memory server is stopped' : 'unknown or revoked token');
  }
}

export interface MemoryServerOptions {
  /** The declared tables served; default the app's (src/schema/tables.ts). */
  registry?: Registry;
  /** The server clock for web writes; default Date.now. */
  now?: () => number;
}

export class MemoryServer {
  readonly registry: Registry;
  private readonly users = new Map<string, UserData>();
  private readonly tokens = new Map<string, string>();
  private readonly listeners = new Set<{ user: string; onChange: (head: number) => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private running = true;
  private readonly now: () => number;

  constructor(options: MemoryServerOptions = {}) {
    this.registry = options.registry ?? TABLES;
    this.now = options.now ?? Date.now;
  }

  /** A token that identifies `user` to this server. */
  token(user: string): string {
    const token = `memory-${this.tokens.size + 1}-${user}`;
    this.tokens.set(token, user);
    return token;
  }

  /** Calls fail as unreachable until `start()`; the data stays. */
  stop(): void {
    this.running = false;
  }

  start(): void {
    this.running = true;
  }

  /** Apply a push batch as the token's user (src/schema/server/push.ts `applyPush`). */
  push(token: string, batch: PushBatch): Promise<PushResult> {
    return this.transaction(token, (store) => applyPush(store, this.registry, batch));
  }

  pull(token: string, request: PullRequest): Promise<PullPage> {
    return this.transaction(token, (store) => pullPage(store, this.registry, request));
  }

  /** A combined pull (src/schema/server/pull-all.ts `pullAll`). */
  pullAll(token: string, request: PullAllRequest): Promise<PullAllPage> {
    return this.transaction(token, (store) => pullAll(store, this.registry, request));
  }

  /** The checksum `convoy verify` compares (src/schema/server/checksum.ts). */
  checksum(token: string, request: ChecksumRequest): Promise<ChecksumAnswer> {
    return this.transaction(token, (store) => checksum(store, this.registry, request));
  }

  head(token: string): Promise<{ headVersion: number }> {
    return this.transaction(token, (store) => headVersion(store));
  }

  /** A web app's direct write (src/schema/server/web.ts `applyWebWrite`): "web" is the writer, its value wins. */
  webWrite(token: string, kind: 'create' | 'update', table: string, recordId: string, fields: Fields): Promise<RecordState & { recordId: string }> {
    return this.transaction(token, (store) => applyWebWrite(store, this.registry, { table, recordId, fields, kind, now: this.now() }));
  }

  /** Calls `onChange` with the user's head after every call that moved it. Returns the unsubscribe function. */
  subscribe(token: string, onChange: (headVersion: number) => void): () => void {
    const user = this.userOf(token);
    const listener = { user, onChange };
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Run `work` on the token's user data, after every earlier call, and keep
   * its writes only if it returns. Arguments and answers are copied, as if
   * they crossed a network: neither side can change the other's objects.
   */
  private transaction<T>(token: string, work: (store: MemoryStore) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const user = this.userOf(token);
      let data = this.users.get(user);
      if (data === undefined) this.users.set(user, (data = emptyUserData()));
      const before = data.counter;
      const store = new MemoryStore(data);
      const result = structuredClone(await work(store));
      store.commit();
      if (data.counter !== before) this.notify(user, data.counter);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Tell the user's subscribers; a subscriber that throws does not fail the write that moved the head. */
  private notify(user: string, head: number): void {
    for (const l of this.listeners) {
      if (l.user !== user) continue;
      try {
        l.onChange(head);
      } catch {
        // The subscriber's own problem: the write is committed either way.
      }
    }
  }

  private userOf(token: string): string {
    if (!this.running) throw new MemoryServerUnavailable('stopped');
    const user = this.tokens.get(token);
    if (user === undefined) throw new MemoryServerUnavailable('unauthenticated');
    return user;
  }
}
