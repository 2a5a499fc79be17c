/**
 * An in-memory sync server: the reference implementation of the server half
 * (src/schema/server/) on plain maps, for tests. Several backends connect to
 * one server as different users and replicas, like clients of a deployment;
 * data is per workspace (a user's personal one, or a shared one they are a
 * member of: src/schema/server/workspaces.ts decides).
 * Nothing persists; nothing leaves the process.
 *
 * Calls run one at a time (each is one transaction of one workspace's data), so
 * concurrency never interleaves two writes; `stop()` makes every call fail
 * as unreachable until `start()`, with the data kept.
 */
import type {
  ChecksumAnswer,
  ChecksumRequest,
  Fields,
  Identity,
  MemberInfo,
  PullAllPage,
  PullAllRequest,
  PullPage,
  PullRequest,
  PushBatch,
  PushResult,
  WorkspaceId,
  WorkspaceInfo,
  WorkspaceList,
  WorkspaceRole,
} from '../../../schema/protocol.js';
import type { Registry } from '../../../schema/registry.js';
import { checksum } from '../../../schema/server/checksum.js';
import { applyPush } from '../../../schema/server/push.js';
import { pullAll } from '../../../schema/server/pull-all.js';
import { headVersion, pullPage } from '../../../schema/server/read.js';
import type { RecordState } from '../../../schema/server/records.js';
import { applyWebWrite } from '../../../schema/server/web.js';
import * as decide from '../../../schema/server/workspaces.js';
import { TABLES } from '../../../schema/tables.js';
import { emptyWorkspaceData, MemoryStore, type WorkspaceData } from './store.js';
import { MemoryWorkspaceStore } from './workspaces.js';

/** Why a call did not run: the server is stopped, or the token is unknown. */
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
  private readonly data = new Map<WorkspaceId, WorkspaceData>();
  private readonly workspaces = new MemoryWorkspaceStore();
  private readonly tokens = new Map<string, Identity>();
  private readonly listeners = new Set<{ userId: string; workspace: WorkspaceId; onChange: (head: number) => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private running = true;
  private readonly now: () => number;

  constructor(options: MemoryServerOptions = {}) {
    this.registry = options.registry ?? TABLES;
    this.now = options.now ?? Date.now;
  }

  /** A token that identifies `user` to this server; `name` is its display-name claim (default none). */
  token(user: string, claims: { name?: string | null } = {}): string {
    const token = `memory-${this.tokens.size + 1}-${user}`;
    this.tokens.set(token, { userId: user, name: claims.name ?? null });
    return token;
  }

  /** Calls fail as unreachable until `start()`; the data stays. */
  stop(): void {
    this.running = false;
  }

  start(): void {
    this.running = true;
  }

  /** Apply a push batch as the token's user, to the batch's workspace (src/schema/server/push.ts `applyPush`). */
  push(token: string, batch: PushBatch): Promise<PushResult> {
    const nameOf = (userId: string) => this.workspaces.userName(userId);
    return this.onData(token, batch.workspace, (store, caller) => applyPush(store, this.registry, batch, { userId: caller.userId, nameOf }), true);
  }

  pull(token: string, request: PullRequest): Promise<PullPage> {
    return this.onData(token, request.workspace, (store) => pullPage(store, this.registry, request));
  }

  /** A combined pull (src/schema/server/pull-all.ts `pullAll`), with the caller's workspace list. */
  pullAll(token: string, request: PullAllRequest): Promise<PullAllPage> {
    return this.onData(token, request.workspace, async (store, caller) => ({
      ...(await pullAll(store, this.registry, request)),
      workspaces: await decide.listWorkspaces(this.workspaces, caller),
    }));
  }

  /** The checksum `convoy verify` compares (src/schema/server/checksum.ts). */
  checksum(token: string, request: ChecksumRequest): Promise<ChecksumAnswer> {
    return this.onData(token, request.workspace, (store) => checksum(store, this.registry, request));
  }

  head(token: string, workspace?: WorkspaceId): Promise<{ headVersion: number }> {
    return this.onData(token, workspace, (store) => headVersion(store));
  }

  /** A web app's direct write (src/schema/server/web.ts `applyWebWrite`): "web" is the writer, its value wins. */
  webWrite(token: string, kind: 'create' | 'update', table: string, recordId: string, fields: Fields, workspace?: WorkspaceId): Promise<RecordState & { recordId: string }> {
    return this.onData(token, workspace, (store) => applyWebWrite(store, this.registry, { table, recordId, fields, kind, now: this.now() }), true);
  }

  listWorkspaces(token: string): Promise<WorkspaceList> {
    return this.transaction(token, (caller) => decide.listWorkspaces(this.workspaces, caller));
  }

  createWorkspace(token: string, name: string): Promise<WorkspaceInfo> {
    return this.transaction(token, (caller) => decide.createWorkspace(this.workspaces, caller, name), true);
  }

  listMembers(token: string, workspace: WorkspaceId): Promise<MemberInfo[]> {
    return this.transaction(token, (caller) => decide.listMembers(this.workspaces, caller, workspace));
  }

  addMember(token: string, workspace: WorkspaceId, userId: string, role: WorkspaceRole): Promise<MemberInfo[]> {
    return this.transaction(token, (caller) => decide.addMember(this.workspaces, caller, workspace, userId, role), true);
  }

  removeMember(token: string, workspace: WorkspaceId, userId: string): Promise<MemberInfo[]> {
    return this.transaction(token, (caller) => decide.removeMember(this.workspaces, caller, workspace, userId), true);
  }

  /**
   * Calls `onChange` with the head of `workspace` (absent: the token user's
   * personal one) after every call that moved it, while the user is a member
   * of it (a non-member hears nothing). Returns the unsubscribe function.
   */
  subscribe(token: string, onChange: (headVersion: number) => void, workspace?: WorkspaceId): () => void {
    const { userId } = this.callerOf(token);
    const listener = { userId, workspace: workspace ?? userId, onChange };
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Run `work` on the data of the call's workspace (resolved, and refused
   * for a non-member, before anything is read), keeping its writes only if
   * it returns. `writes`: a mutation, which remembers the caller's name.
   */
  private onData<T>(token: string, workspace: WorkspaceId | undefined, work: (store: MemoryStore, caller: Identity) => Promise<T>, writes = false): Promise<T> {
    return this.transaction(
      token,
      async (caller) => {
        const id = await decide.resolveWorkspace(this.workspaces, caller.userId, workspace);
        let data = this.data.get(id);
        if (data === undefined) this.data.set(id, (data = emptyWorkspaceData()));
        const before = data.counter;
        const store = new MemoryStore(data);
        const result = await work(store, caller);
        store.commit();
        if (data.counter !== before) this.notify(id, data.counter);
        return result;
      },
      writes,
    );
  }

  /**
   * Run `work` as the token's user, after every earlier call. Arguments and
   * answers are copied, as if they crossed a network: neither side can
   * change the other's objects.
   */
  private transaction<T>(token: string, work: (caller: Identity) => Promise<T>, writes = false): Promise<T> {
    const run = async (): Promise<T> => {
      const caller = this.callerOf(token);
      if (writes) await decide.rememberCaller(this.workspaces, caller);
      return structuredClone(await work(caller));
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Tell the workspace's subscribers; a subscriber that throws does not fail the write that moved the head. */
  private notify(workspace: WorkspaceId, head: number): void {
    for (const l of this.listeners) {
      if (l.workspace !== workspace || (workspace !== l.userId && !this.workspaces.isMember(workspace, l.userId))) continue;
      try {
        l.onChange(head);
      } catch {
        // The subscriber's own problem: the write is committed either way.
      }
    }
  }

  private callerOf(token: string): Identity {
    if (!this.running) throw new MemoryServerUnavailable('stopped');
    const caller = this.tokens.get(token);
    if (caller === undefined) throw new MemoryServerUnavailable('unauthenticated');
    return { ...caller };
  }
}
