import type {
  ChecksumAnswer,
  ChecksumRequest,
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
} from '../schema/protocol.js';
import { PERSONAL_WORKSPACE_NAME } from '../schema/protocol.js';
import { BackendError } from '../errors.js';

/**
 * A sync backend: the one interface the engine talks to. Implementations live
 * in `src/sync/backends/` and are the only code that touches a network SDK.
 *
 * Errors: every method throws `BackendError` (never a bare SDK error):
 * `offline: true` when the server could not be reached or timed out (nothing
 * was applied as far as the client can know), `auth: true` for a refused or
 * expired credential, `retryable: true` for transient server failures, and
 * `refusal` the server's code when it refused the call (`forbidden`: the
 * caller is not a member of the workspace named, or not its owner).
 *
 * Every data method acts on one workspace: the one its request names, else
 * the caller's personal workspace (src/schema/protocol.ts `WorkspaceId`).
 */
export interface Backend {
  /**
   * A short name for messages, e.g. "convex", "supabase" or "memory": the
   * backend's folder under src/sync/backends/ (open: adding a backend adds a kind).
   */
  readonly kind: string;
  /** The URL the backend was configured with (never contains secrets). */
  readonly url: string;
  /** How much one `push` may carry; without it the engine's defaults apply (src/sync/push.ts). */
  readonly pushLimits?: PushLimits;

  /**
   * Apply a batch of ops for this user, in order, in one server transaction.
   * Idempotent: ops with seq at or below the client's last applied seq are not
   * applied again; their stored result is returned instead. Returns one result
   * per op, in op order. A permanently rejected op still advances the client's
   * applied seq so it cannot wedge the ops behind it.
   */
  push(batch: PushBatch): Promise<PushResult>;

  /**
   * Read one page of the user's records of `table` whose version is above
   * `cursor`, ordered by version. Read-only and safe to repeat.
   */
  pull(request: PullRequest): Promise<PullPage>;

  /**
   * Read the changes of every table in `request.cursors` in one request
   * (src/schema/server/pull-all.ts has the contract), leaving out the
   * caller's own writes it says it holds. Read-only and safe to repeat.
   */
  pullAll(request: PullAllRequest): Promise<PullAllPage>;

  /**
   * The checksum of the user's records of `request.table` whose id ends with
   * `request.suffix` (src/schema/server/checksum.ts has the contract): their
   * count and digest (src/schema/checksum.ts), and either their buckets by
   * the id's next character or, for at most CHECKSUM_LEAF records, the
   * records themselves. What `convoy verify` compares its replica with.
   * Read-only and safe to repeat; reads the whole table on the server.
   */
  checksum(request: ChecksumRequest): Promise<ChecksumAnswer>;

  /** Cheap reachability and credential check; resolves or throws BackendError. */
  ping(): Promise<void>;

  /** The caller's identity and workspaces (personal first, then by name). Read-only. */
  listWorkspaces(): Promise<WorkspaceList>;

  /**
   * Create a workspace named `name` with the caller as its only member, an
   * owner; the server makes its id. Not idempotent: a name the caller already
   * has a workspace of is refused (`refusal: 'exists'`), a bad name too
   * (`invalid`).
   */
  createWorkspace(name: string): Promise<WorkspaceInfo>;

  /** The members of `workspace`, by user id; the caller must be one (else `forbidden`). Read-only. */
  listMembers(workspace: WorkspaceId): Promise<MemberInfo[]>;

  /**
   * Make `userId` a member of `workspace` with `role` (or change their role).
   * Owners only (else `forbidden`); a personal workspace cannot be shared
   * (`invalid`). Idempotent. Returns the members afterwards.
   */
  addMember(workspace: WorkspaceId, userId: string, role: WorkspaceRole): Promise<MemberInfo[]>;

  /**
   * Take `userId` out of `workspace`: an owner may remove anyone, anyone may
   * remove themself (leaving). Refused (`invalid`) when it would leave the
   * workspace without an owner. Idempotent. Returns the members afterwards
   * (empty when the caller left).
   */
  removeMember(workspace: WorkspaceId, userId: string): Promise<MemberInfo[]>;

  /**
   * Optional live feed: calls `onChange` whenever the head version of
   * `workspace` (absent: the personal one) may have moved. Returns an
   * unsubscribe function. Backends without a live channel omit it and the
   * daemon polls.
   */
  subscribe?(onChange: (headVersion: number) => void, workspace?: WorkspaceId): () => void;

  /** Release sockets and timers. Idempotent. */
  close(): Promise<void>;
}

/**
 * How much one push request may carry: the backend's documented limits, with
 * room to spare. A batch is cut at `maxOps` ops or before the op that would
 * take its JSON past `maxBytes`, whichever comes first.
 */
export interface PushLimits {
  /** Ops per request when the user sets no batch size (the fastest the bench found within the limits). */
  preferredOps: number;
  /** The most ops one request may carry; a larger --batch or sync.batchSize is cut to this. */
  maxOps: number;
  /** The most bytes of op JSON one request may carry. */
  maxBytes: number;
}

/**
 * The workspace calls of a double that serves one user's personal workspace
 * and nothing else: it lists only that and refuses every member change.
 */
export function personalWorkspaceOnly(userId = 'me'): Pick<Backend, 'listWorkspaces' | 'createWorkspace' | 'listMembers' | 'addMember' | 'removeMember'> {
  const refuse = () => Promise.reject(new BackendError('this backend serves only the personal workspace', { retryable: false, refusal: 'invalid' }));
  return {
    listWorkspaces: async () => ({ user: { userId, name: null }, workspaces: [{ id: userId, name: PERSONAL_WORKSPACE_NAME, role: 'owner', personal: true }] }),
    createWorkspace: refuse,
    listMembers: async () => [{ userId, role: 'owner', name: null }],
    addMember: refuse,
    removeMember: refuse,
  };
}

/**
 * A combined pull made of one `pull` per table: for doubles and adapters
 * that only serve single-table pages. Sends every change (no echo
 * filtering) and reads up to `limit` per table; `headVersion` is the
 * largest any page reported.
 */
export async function pullAllByPages(pull: (request: PullRequest) => Promise<PullPage>, request: PullAllRequest): Promise<PullAllPage> {
  const answer: PullAllPage = { tables: {}, headVersion: 0 };
  for (const [table, cursor] of Object.entries(request.cursors)) {
    const { headVersion, ...page } = await pull({ ...(request.workspace === undefined ? {} : { workspace: request.workspace }), table, cursor, limit: request.limit });
    answer.tables[table] = page;
    answer.headVersion = Math.max(answer.headVersion, headVersion);
  }
  return answer;
}
