/**
 * The storage the server half of the protocol runs on: one workspace's
 * records, change counter and per-replica push bookkeeping (a workspace is
 * the scope of sync: a user's personal one, or a shared one; which one a
 * call acts on, and whether the caller may, src/schema/server/workspaces.ts
 * decides before a store is opened). The Convex functions
 * implement it over `ctx.db`, the in-memory reference backend over maps; the
 * decisions (replay, validation, settlement, versions, results) live in the
 * pure modules beside this one and never in a store.
 *
 * Contract every implementation keeps:
 * - A store is bound to one workspace: it never finds, lists or changes
 *   another workspace's records, counter or clients.
 * - One entry point (a push, a web write) runs inside one transaction of the
 *   store: either everything it wrote is kept or nothing is, and two entry
 *   points of the same workspace never interleave (Convex: the counter read puts
 *   the counter document in the read set, so writers serialize; memory: one
 *   at a time).
 * - Reads see the entry point's own earlier writes.
 * - Values are stored as given: a field absent from `fields` stays absent
 *   (read back as absent or null; the server modules treat both as null).
 */
import type { Fields, OpResult } from '../protocol.js';

/** A synced record as stored: its values and the per-field bookkeeping conflict detection needs. */
export interface StoredRecord {
  /** Client-generated UUID: the same id on every replica and on the server. */
  recordId: string;
  /** Counter value of the record's latest write (the pull cursor). */
  version: number;
  /** Stored values; a declared field may be missing (reads as null). */
  fields: Fields;
  /** field -> counter value of the write that last changed it. */
  fieldVersions: Record<string, number>;
  /** field -> client id that last changed it, or "web". */
  fieldWriters: Record<string, string>;
  /** field -> writer's wall clock (ms) of that change; only last-write-wins reads it. */
  fieldTimes: Record<string, number>;
}

/** A write to an existing record: the changed values only, and the whole bookkeeping afterwards. */
export interface RecordPatch {
  version: number;
  fields: Fields;
  fieldVersions: Record<string, number>;
  fieldWriters: Record<string, string>;
  fieldTimes: Record<string, number>;
}

export interface SyncStore {
  /** The workspace's record `recordId` of `table`, or null. */
  findRecord(table: string, recordId: string): Promise<StoredRecord | null>;
  /** Store a new record (the caller has checked that none exists). */
  insertRecord(table: string, record: StoredRecord): Promise<void>;
  /** Change `existing` (an object this store returned from findRecord): set `patch.fields`, replace version and bookkeeping. */
  patchRecord(table: string, existing: StoredRecord, patch: RecordPatch): Promise<void>;
  /** At most `limit` of the workspace's records of `table` with version > `version`, in ascending version order. */
  recordsAbove(table: string, version: number, limit: number): Promise<StoredRecord[]>;

  /** The workspace's change counter: the last version handed out, 0 before the first write. */
  readCounter(): Promise<number>;
  /** Persist the counter (called at most once per entry point, with a larger value). */
  writeCounter(value: number): Promise<void>;

  /** The last op sequence applied (or permanently rejected) for replica `clientId`; 0 when unknown. */
  lastSeq(clientId: string): Promise<number>;
  /**
   * Record a larger last applied sequence for `clientId`, and `userId`, the
   * user whose replica it is (null: unknown, e.g. a caller that does not say).
   */
  saveLastSeq(clientId: string, seq: number, userId: string | null): Promise<void>;
  /** The user behind replica `clientId` in this workspace, as last saved; null when unknown. */
  clientUser(clientId: string): Promise<string | null>;
  /** The stored result of op `seq` of `clientId`, or null (never stored, or pruned). */
  storedResult(clientId: string, seq: number): Promise<OpResult | null>;
  /** Keep `result` (of op `result.seq`) for a replayed op. */
  storeResult(clientId: string, result: OpResult): Promise<void>;
  /**
   * Forget stored results of `clientId` below `seq`. May forget only some of
   * them per call (a store with transaction limits): the rest go next time.
   */
  pruneResults(clientId: string, seq: number): Promise<void>;
}

/** Why the server refuses a whole call; `code` is what clients match on. */
/** `forbidden`: the caller is not a member of the workspace named (or not its owner, for member changes). */
export type ServerErrorCode = 'bad_request' | 'batch_too_large' | 'invalid' | 'exists' | 'not_found' | 'forbidden';

/**
 * A refused call: nothing was applied. Push throws it only for a malformed
 * batch (a client bug); the web writes for bad input, a known id on create
 * and an unknown id on update. Data problems in a push are per-op results.
 */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    /** The offending field, for `invalid`. */
    readonly field?: string,
  ) {
    super(message);
  }

  /** The error as data: what Convex carries as `ConvexError.data`. */
  toData(): { code: ServerErrorCode; message: string; field?: string } {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, field: this.field, message: this.message };
  }
}
