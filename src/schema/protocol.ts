/**
 * The sync wire protocol: the shapes that travel between a replica and a
 * backend. The same shapes are used by every backend (Convex, Supabase), so
 * nothing here may depend on a particular SDK. The `convex/` functions and the
 * Supabase SQL implement the server side of exactly these types.
 */

/**
 * A synced table's name on the wire: any declared table of the registry in
 * use (the app's is src/schema/tables.ts; app code that wants the literal
 * union uses `TableName` from there). The protocol itself names no table.
 */
export type SyncTableName = string;

export const CONFLICT_POLICIES = ['local-wins', 'remote-wins', 'last-write-wins', 'manual'] as const;
/** How a field changed on both sides since the op's base version is settled. */
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

/** Synced fields are scalars; times travel as epoch milliseconds. */
export type FieldValue = string | number | null;
export type Fields = Record<string, FieldValue>;

/** One queued local change, as pushed. */
export interface PushOp {
  /** Per-replica increasing sequence number; the server skips seq <= last applied. */
  seq: number;
  table: SyncTableName;
  /** Client-generated UUIDv7; the same id on every replica and on the server. */
  recordId: string;
  kind: 'create' | 'update';
  /** For a create, every synced field; for an update, only the changed ones. */
  fields: Fields;
  /** Server row version the change was based on (null: never seen by the server). */
  baseVersion: number | null;
  /** Client wall clock (ms) at capture; used only by the last-write-wins policy. */
  clientTime: number;
}

export interface PushBatch {
  clientId: string;
  /** The workspace every op of the batch writes to; absent: the caller's personal workspace. */
  workspace?: WorkspaceId;
  /** The client's conflict policy for each table it syncs (from its registry); a table left out gets its declared default. */
  policies: Record<string, ConflictPolicy>;
  /** Ops in increasing seq order. */
  ops: PushOp[];
}

/** One field changed on both sides, and how the table's policy settled it. */
export interface FieldConflict {
  field: string;
  local: FieldValue;
  remote: FieldValue;
  policy: ConflictPolicy;
  /** `pending` only for the manual policy: the server kept its value until resolved. */
  winner: 'local' | 'remote' | 'pending';
  /**
   * Who wrote the remote value: the user behind the replica (or web call)
   * that last changed the field, as the server knows them; null when unknown
   * (e.g. written before workspaces). Absent from older servers.
   */
  remoteWriter?: Identity | null;
}

/**
 * What the server did with one op. `version` is the record's row version after
 * the op; `fields` is the record's full server state after the op, so the
 * client can adopt remote winners without waiting for a pull.
 */
export type OpResult =
  | { seq: number; status: 'applied'; version: number; fields: Fields }
  | { seq: number; status: 'merged'; version: number; fields: Fields }
  | { seq: number; status: 'conflict'; version: number; fields: Fields; conflicts: FieldConflict[] }
  | { seq: number; status: 'rejected'; reason: string };

export interface PushResult {
  results: OpResult[];
}

/** One record as the server holds it now. */
export interface RemoteRecord {
  recordId: string;
  /** Row version: the per-user change counter value of its latest write. */
  version: number;
  fields: Fields;
}

export interface PullRequest {
  /** Absent: the caller's personal workspace. */
  workspace?: WorkspaceId;
  table: SyncTableName;
  /** Return changes with version > cursor; 0 for the initial pull. */
  cursor: number;
  /** Page size; servers cap it (Convex: 1,000). */
  limit: number;
}

export interface PullPage {
  changes: RemoteRecord[];
  /** Cursor to ask with next (the version of the last change in the page). */
  cursor: number;
  hasMore: boolean;
  /** The user's current change counter; a request cursor above it means the server was reset. */
  headVersion: number;
}

/**
 * Versions a replica already holds the server state of, from its own push
 * results (each result carries the record's version and full fields): ranges
 * `[from, to]`, inclusive. A combined pull leaves out a record at such a
 * version whose every field this replica wrote last: the replica has it.
 */
export interface KnownWrites {
  clientId: string;
  versions: Array<[number, number]>;
}

/** Most ranges a combined pull takes in `known` (a push of N batches needs about N). */
export const MAX_KNOWN_RANGES = 1000;

/** A combined pull: every table the client syncs, in one request. */
export interface PullAllRequest {
  /** The workspace read; absent: the caller's personal workspace. */
  workspace?: WorkspaceId;
  /** table -> cursor (0 for the initial pull); only these tables are read. */
  cursors: Record<SyncTableName, number>;
  /** Most records read for the whole answer (servers cap it: 1,000); tables are read in registry order until it is used up. */
  limit: number;
  /** The asking replica's own writes it already holds (no echo); omitted: every change is sent. */
  known?: KnownWrites;
}

/** One table's part of a combined pull; `cursor` and `hasMore` as in `PullPage`. */
export interface TablePage {
  changes: RemoteRecord[];
  cursor: number;
  hasMore: boolean;
}

export interface PullAllPage {
  /** One page per table asked, under its name. */
  tables: Record<SyncTableName, TablePage>;
  /** The workspace's current change counter (see `PullPage.headVersion`). */
  headVersion: number;
  /**
   * The caller's identity and workspaces as `listWorkspaces` gives them, so a
   * sync learns of a membership change without a request of its own. Servers
   * of this protocol always send it; absent only from doubles.
   */
  workspaces?: WorkspaceList;
}

/**
 * Most records a checksum answer lists; above it, the answer splits the
 * records into buckets by one more character of their id instead.
 */
export const CHECKSUM_LEAF = 64;

/** Ask for the checksum of one table's records whose id ends with `suffix` ('' for all). */
export interface ChecksumRequest {
  /** Absent: the caller's personal workspace. */
  workspace?: WorkspaceId;
  table: SyncTableName;
  /** Lowercase hex digits and '-' only, at most 36 characters (a whole id). */
  suffix: string;
}

/** How many records a set holds and the XOR of their digests (src/schema/checksum.ts). */
export interface ChecksumSum {
  count: number;
  /** 16 lowercase hex digits; all zeros for no records. */
  digest: string;
}

export interface ChecksumAnswer extends ChecksumSum {
  /**
   * When `count` > CHECKSUM_LEAF: the non-empty buckets by the id character
   * just before `suffix` (so the next request asks for `key + suffix`); else null.
   */
  buckets: Record<string, ChecksumSum> | null;
  /** When `count` <= CHECKSUM_LEAF: the records themselves, as a pull gives them, in id order; else null. */
  records: RemoteRecord[] | null;
  /** The user's current change counter. */
  headVersion: number;
}

/**
 * A workspace: the scope of sync. Every record belongs to exactly one; the
 * change counter (versions, head), pull cursors and per-client push
 * bookkeeping are per workspace, and only its members read or write it.
 * On the wire a request names the workspace by id; a request without one
 * means the caller's personal workspace, whose id is the caller's user id:
 * it exists for every user without being created and cannot be shared.
 * Other workspaces get a server-made id (never a client's choice, so no one
 * can make a workspace whose id is somebody's user id).
 */
export type WorkspaceId = string;

export const WORKSPACE_ROLES = ['owner', 'member'] as const;
/** `owner`: manages members, and reads and writes like a member; `member`: reads and writes projects and tasks. */
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** What a personal workspace is called (no other workspace may take the name). */
export const PERSONAL_WORKSPACE_NAME = 'personal';
/** Longest workspace name, in characters; names follow the `visible` text rule (src/schema/rules.ts). */
export const MAX_WORKSPACE_NAME = 100;

/** A user as the server knows them: the token's subject and, when the token has one, its `name` (else `email`) claim. */
export interface Identity {
  userId: string;
  name: string | null;
}

/** One workspace the caller belongs to. */
export interface WorkspaceInfo {
  id: WorkspaceId;
  name: string;
  /** The caller's role in it (owner of their personal one). */
  role: WorkspaceRole;
  personal: boolean;
}

/** The caller and their workspaces: the personal one first, then the rest by name. */
export interface WorkspaceList {
  user: Identity;
  workspaces: WorkspaceInfo[];
}

/** One member of a workspace. */
export interface MemberInfo {
  userId: string;
  role: WorkspaceRole;
  /** From the member's token when the server has seen them call; else null. */
  name: string | null;
}
