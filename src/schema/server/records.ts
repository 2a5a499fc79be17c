/**
 * Reading and writing synced records on a `SyncStore`, shared by push and the
 * web writes so both bump versions the same way.
 */
import type { TableDecl } from '../declare.js';
import type { Fields } from '../protocol.js';
import type { StoredRecord, SyncStore } from './store.js';

/** A record's state after a write: what push results and web writes return. */
export interface RecordState {
  version: number;
  fields: Fields;
}

/** Every declared field of a stored record, in declaration order; an absent field reads as null. */
export function recordFields(table: TableDecl, record: StoredRecord): Fields {
  return Object.fromEntries(table.fieldNames.map((f) => [f, record.fields[f] ?? null]));
}

/**
 * The workspace's change counter for one entry point: read once (which, on
 * Convex, serializes the workspace's writers), advanced per record write, saved
 * once at the end.
 */
export class VersionCounter {
  private dirty = false;
  private constructor(private value: number) {}

  static async open(store: SyncStore): Promise<VersionCounter> {
    return new VersionCounter(await store.readCounter());
  }

  /** The last version handed out. */
  get head(): number {
    return this.value;
  }

  /** Take the next version. Call once per record write; `save` persists it. */
  next(): number {
    this.value += 1;
    this.dirty = true;
    return this.value;
  }

  /** Persist the counter when it moved (once per entry point: one counter write per batch). */
  async save(store: SyncStore): Promise<void> {
    if (!this.dirty) return;
    await store.writeCounter(this.value);
    this.dirty = false;
  }
}

export interface RecordWrite {
  table: TableDecl;
  recordId: string;
  /** The current record, or null to insert a new one. */
  existing: StoredRecord | null;
  /** Already validated and settled values to store. */
  fields: Fields;
  /** Client id of the writing replica, or "web". */
  writer: string;
  /** Writer's wall clock (ms), kept per field for last-write-wins. */
  time: number;
}

/**
 * Store `fields` on a record. A write that changes at least one value takes
 * the next counter value as the row version and as the version of each
 * changed field; a write that changes nothing leaves the record and the
 * counter alone. Returns the record's state afterwards. The caller saves the
 * counter.
 */
export async function writeRecord(store: SyncStore, counter: VersionCounter, w: RecordWrite): Promise<RecordState> {
  const before = w.existing === null ? {} : recordFields(w.table, w.existing);
  const changed = Object.keys(w.fields).filter((f) => w.existing === null || before[f] !== w.fields[f]);
  if (w.existing !== null && changed.length === 0) return { version: w.existing.version, fields: before };
  const version = counter.next();
  const stamp = <T>(value: T) => Object.fromEntries(changed.map((f) => [f, value]));
  const values: Fields = Object.fromEntries(changed.map((f) => [f, w.fields[f] ?? null]));
  const meta = {
    version,
    fieldVersions: { ...w.existing?.fieldVersions, ...stamp(version) },
    fieldWriters: { ...w.existing?.fieldWriters, ...stamp(w.writer) },
    fieldTimes: { ...w.existing?.fieldTimes, ...stamp(w.time) },
  };
  if (w.existing === null) await store.insertRecord(w.table.name, { recordId: w.recordId, fields: values, ...meta });
  else await store.patchRecord(w.table.name, w.existing, { fields: values, ...meta });
  const fields = { ...Object.fromEntries(w.table.fieldNames.map((f) => [f, null])), ...before, ...values };
  return { version, fields };
}
