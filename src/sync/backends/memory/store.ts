/**
 * `SyncStore` over one workspace's in-memory data, with a transaction
 * overlay: writes stay in the store until `commit()`, so a call that throws
 * halfway leaves the workspace's data as it was.
 */
import type { OpResult } from '../../../schema/protocol.js';
import type { RecordPatch, StoredRecord, SyncStore } from '../../../schema/server/store.js';

/** Everything the server keeps for one workspace. */
export interface WorkspaceData {
  records: Map<string, Map<string, StoredRecord>>;
  counter: number;
  lastSeqs: Map<string, number>;
  /** clientId -> the user whose replica it is. */
  clientUsers: Map<string, string>;
  /** clientId -> seq -> stored result. */
  results: Map<string, Map<number, OpResult>>;
}

export function emptyWorkspaceData(): WorkspaceData {
  return { records: new Map(), counter: 0, lastSeqs: new Map(), clientUsers: new Map(), results: new Map() };
}

const key = (table: string, recordId: string) => `${table}\u0000${recordId}`;

export class MemoryStore implements SyncStore {
  private readonly records = new Map<string, { table: string; record: StoredRecord }>();
  private counter: number | null = null;
  private readonly lastSeqs = new Map<string, number>();
  private readonly clientUsers = new Map<string, string>();
  private readonly results = new Map<string, Map<number, OpResult>>();
  private readonly prunedBelow = new Map<string, number>();

  constructor(private readonly data: WorkspaceData) {}

  async findRecord(table: string, recordId: string): Promise<StoredRecord | null> {
    return this.records.get(key(table, recordId))?.record ?? this.data.records.get(table)?.get(recordId) ?? null;
  }

  async insertRecord(table: string, record: StoredRecord): Promise<void> {
    this.records.set(key(table, record.recordId), { table, record: { ...record, fields: { ...record.fields } } });
  }

  async patchRecord(table: string, existing: StoredRecord, patch: RecordPatch): Promise<void> {
    const record = { ...existing, ...patch, fields: { ...existing.fields, ...patch.fields } };
    this.records.set(key(table, existing.recordId), { table, record });
  }

  async recordsAbove(table: string, version: number, limit: number): Promise<StoredRecord[]> {
    const merged = new Map(this.data.records.get(table));
    for (const pending of this.records.values()) if (pending.table === table) merged.set(pending.record.recordId, pending.record);
    return [...merged.values()]
      .filter((r) => r.version > version)
      .sort((a, b) => a.version - b.version)
      .slice(0, limit);
  }

  async readCounter(): Promise<number> {
    return this.counter ?? this.data.counter;
  }

  async writeCounter(value: number): Promise<void> {
    this.counter = value;
  }

  async lastSeq(clientId: string): Promise<number> {
    return this.lastSeqs.get(clientId) ?? this.data.lastSeqs.get(clientId) ?? 0;
  }

  async saveLastSeq(clientId: string, seq: number, userId: string | null): Promise<void> {
    this.lastSeqs.set(clientId, seq);
    if (userId !== null) this.clientUsers.set(clientId, userId);
  }

  async clientUser(clientId: string): Promise<string | null> {
    return this.clientUsers.get(clientId) ?? this.data.clientUsers.get(clientId) ?? null;
  }

  async storedResult(clientId: string, seq: number): Promise<OpResult | null> {
    const fresh = this.results.get(clientId)?.get(seq);
    if (fresh !== undefined) return fresh;
    if (seq < (this.prunedBelow.get(clientId) ?? 0)) return null;
    return this.data.results.get(clientId)?.get(seq) ?? null;
  }

  async storeResult(clientId: string, result: OpResult): Promise<void> {
    let mine = this.results.get(clientId);
    if (mine === undefined) this.results.set(clientId, (mine = new Map()));
    mine.set(result.seq, result);
  }

  async pruneResults(clientId: string, seq: number): Promise<void> {
    this.prunedBelow.set(clientId, Math.max(seq, this.prunedBelow.get(clientId) ?? 0));
  }

  /** Apply every write of this call to the workspace's data. */
  commit(): void {
    const d = this.data;
    for (const { table, record } of this.records.values()) {
      let rows = d.records.get(table);
      if (rows === undefined) d.records.set(table, (rows = new Map()));
      rows.set(record.recordId, record);
    }
    if (this.counter !== null) d.counter = this.counter;
    for (const [clientId, seq] of this.lastSeqs) d.lastSeqs.set(clientId, seq);
    for (const [clientId, userId] of this.clientUsers) d.clientUsers.set(clientId, userId);
    for (const [clientId, below] of this.prunedBelow) {
      const stored = d.results.get(clientId);
      for (const seq of stored?.keys() ?? []) if (seq < below) stored!.delete(seq);
    }
    for (const [clientId, results] of this.results) {
      let stored = d.results.get(clientId);
      if (stored === undefined) d.results.set(clientId, (stored = new Map()));
      for (const [seq, result] of results) stored.set(seq, result);
    }
  }
}
