/**
 * The server half's storage (src/schema/server/store.ts `SyncStore`) over
 * Convex's `ctx.db`, for one workspace. One instance per function call: Convex
 * runs each mutation as one transaction, which is the store's transaction.
 *
 * The per-workspace change counter is a document: every write to a synced record
 * takes its next value as the record's version, and pull pages by version.
 * Why a counter document rather than `_creationTime` (or any timestamp): a
 * mutation that reads the counter has it in its read set, so Convex's
 * optimistic concurrency control serializes all writers of one workspace. Version
 * N therefore commits before version N+1 is even handed out, and a pull that
 * has seen version N has seen everything below it. `_creationTime` is taken
 * when the document is written, not when the transaction commits; two
 * mutations can commit in the opposite order (Convex staff put the skew at up
 * to minutes), so a cursor built on it can skip a row that commits late.
 * (`db.vars.commitTs` bounded by the snapshot timestamp would also be safe; the
 * counter is simpler, portable to the Supabase SQL, and keeps versions small
 * dense integers.) The cost is that one workspace's writes never run in parallel,
 * which is fine for a team's task list. The counter is read once per
 * mutation (which is what serializes writers) and written once: a 500-op
 * batch costs one counter write.
 */
import type { GenericDatabaseReader, GenericDatabaseWriter, GenericDocument } from 'convex/server';
import type { GenericId } from 'convex/values';
import type { Fields, OpResult } from '../../src/schema/protocol.js';
import { tableDecl, type Registry } from '../../src/schema/registry.js';
import type { RecordPatch, StoredRecord, SyncStore } from '../../src/schema/server/store.js';

// The tables are the registry's, known only at load: the data model (and so
// index ranges and ids) is untyped here.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Reader = GenericDatabaseReader<any>;
type Writer = GenericDatabaseWriter<any>;
type Id = GenericId<any>;
type Range = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Stored results deleted per push, at most: keeps one push inside transaction limits. */
const MAX_PRUNE = 1000;

export class ConvexStore implements SyncStore {
  /** Document ids of the records this store handed out, for patching them. */
  private readonly ids = new WeakMap<StoredRecord, Id>();
  private counter: { id: Id | null; value: number } | null = null;
  private readonly clients = new Map<string, { id: Id | null; lastSeq: number; userId: string | null }>();

  /** `writer` is ctx.db in a mutation; a query passes only the reader and never writes. */
  constructor(
    private readonly registry: Registry,
    private readonly workspaceId: string,
    private readonly db: Reader,
    private readonly writer: Writer | null = null,
  ) {}

  async findRecord(table: string, recordId: string): Promise<StoredRecord | null> {
    const doc = await this.db
      .query(table)
      .withIndex('by_workspace_record', (q: Range) => q.eq('workspaceId', this.workspaceId).eq('recordId', recordId))
      .unique();
    return doc === null ? null : this.toRecord(table, doc);
  }

  async insertRecord(table: string, record: StoredRecord): Promise<void> {
    const { fields, ...meta } = record;
    await this.write().insert(table, { workspaceId: this.workspaceId, ...meta, ...defined(fields) });
  }

  async patchRecord(table: string, existing: StoredRecord, patch: RecordPatch): Promise<void> {
    const id = this.ids.get(existing);
    if (id === undefined) throw new Error('patchRecord: not a record this store found');
    const { fields, ...meta } = patch;
    await this.write().patch(table, id, { ...fields, ...meta });
  }

  async recordsAbove(table: string, version: number, limit: number): Promise<StoredRecord[]> {
    const docs = await this.db
      .query(table)
      .withIndex('by_workspace_version', (q: Range) => q.eq('workspaceId', this.workspaceId).gt('version', version))
      .order('asc')
      .take(limit);
    return docs.map((doc) => this.toRecord(table, doc));
  }

  async readCounter(): Promise<number> {
    if (this.counter === null) {
      const doc = await this.db
        .query('counters')
        .withIndex('by_workspace', (q: Range) => q.eq('workspaceId', this.workspaceId))
        .unique();
      this.counter = { id: (doc?._id as Id | undefined) ?? null, value: (doc?.value as number | undefined) ?? 0 };
    }
    return this.counter.value;
  }

  async writeCounter(value: number): Promise<void> {
    await this.readCounter();
    const c = this.counter!;
    if (c.id === null) c.id = (await this.write().insert('counters', { workspaceId: this.workspaceId, value })) as Id;
    else await this.write().patch('counters', c.id, { value });
    c.value = value;
  }

  async lastSeq(clientId: string): Promise<number> {
    return (await this.client(clientId)).lastSeq;
  }

  async saveLastSeq(clientId: string, seq: number, userId: string | null): Promise<void> {
    const c = await this.client(clientId);
    const user = userId === null ? {} : { userId };
    if (c.id === null) c.id = (await this.write().insert('clients', { workspaceId: this.workspaceId, clientId, lastSeq: seq, ...user })) as Id;
    else await this.write().patch('clients', c.id, { lastSeq: seq, ...user });
    c.lastSeq = seq;
    c.userId = userId ?? c.userId;
  }

  async clientUser(clientId: string): Promise<string | null> {
    return (await this.client(clientId)).userId;
  }

  async storedResult(clientId: string, seq: number): Promise<OpResult | null> {
    const doc = await this.db
      .query('opResults')
      .withIndex('by_workspace_client_seq', (q: Range) => q.eq('workspaceId', this.workspaceId).eq('clientId', clientId).eq('seq', seq))
      .unique();
    return (doc?.result as OpResult | undefined) ?? null;
  }

  async storeResult(clientId: string, result: OpResult): Promise<void> {
    await this.write().insert('opResults', { workspaceId: this.workspaceId, clientId, seq: result.seq, result: result as never });
  }

  async pruneResults(clientId: string, seq: number): Promise<void> {
    const stale = await this.db
      .query('opResults')
      .withIndex('by_workspace_client_seq', (q: Range) => q.eq('workspaceId', this.workspaceId).eq('clientId', clientId).lt('seq', seq))
      .take(MAX_PRUNE);
    for (const doc of stale) await this.write().delete('opResults', doc._id);
  }

  private async client(clientId: string): Promise<{ id: Id | null; lastSeq: number; userId: string | null }> {
    let c = this.clients.get(clientId);
    if (c === undefined) {
      const doc = await this.db
        .query('clients')
        .withIndex('by_workspace_client', (q: Range) => q.eq('workspaceId', this.workspaceId).eq('clientId', clientId))
        .unique();
      c = { id: (doc?._id as Id | undefined) ?? null, lastSeq: (doc?.lastSeq as number | undefined) ?? 0, userId: (doc?.userId as string | undefined) ?? null };
      this.clients.set(clientId, c);
    }
    return c;
  }

  private toRecord(table: string, doc: GenericDocument): StoredRecord {
    const fields = Object.fromEntries(
      tableDecl(table, this.registry).fieldNames.filter((f) => doc[f] !== undefined).map((f) => [f, doc[f]]),
    ) as Fields;
    const record: StoredRecord = {
      recordId: doc.recordId as string,
      version: doc.version as number,
      fields,
      fieldVersions: doc.fieldVersions as Record<string, number>,
      fieldWriters: doc.fieldWriters as Record<string, string>,
      fieldTimes: doc.fieldTimes as Record<string, number>,
    };
    this.ids.set(record, doc._id as Id);
    return record;
  }

  private write(): Writer {
    if (this.writer === null) throw new Error('ConvexStore: a query cannot write');
    return this.writer;
  }
}

/** Fields without undefined values (Convex refuses undefined in an insert). */
function defined(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
