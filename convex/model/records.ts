/**
 * Reading and writing synced records, shared by `push` and the web-side
 * mutations so both bump versions the same way.
 */
import type { GenericId } from 'convex/values';
import type { DatabaseReader, DatabaseWriter } from '../_generated/server.js';
import { tableDecl } from '../../src/schema/registry.js';
import type { Fields, FieldValue, SyncTableName } from '../../src/schema/protocol.js';
import type { VersionCounter } from './counter.js';

/** The bookkeeping every synced table has, plus its fields by name. */
export interface StoredRecord {
  _id: GenericId<SyncTableName>;
  userId: string;
  recordId: string;
  version: number;
  fieldVersions: Record<string, number>;
  fieldWriters: Record<string, string>;
  fieldTimes: Record<string, number>;
}

/** A record's state after a write: what push results and web calls return. */
export interface RecordState {
  version: number;
  fields: Fields;
}

/** The caller's record `recordId` of `table`, or null (also for another user's record). */
export async function findRecord(
  db: DatabaseReader,
  table: SyncTableName,
  userId: string,
  recordId: string,
): Promise<StoredRecord | null> {
  return await db
    .query(table)
    .withIndex('by_user_record', (q) => q.eq('userId', userId).eq('recordId', recordId))
    .unique();
}

/** Every synced field of a stored record; an absent field reads as null. */
export function recordFields(table: SyncTableName, row: StoredRecord): Fields {
  const values = row as unknown as Record<string, FieldValue | undefined>;
  return Object.fromEntries(tableDecl(table).fieldNames.map((f) => [f, values[f] ?? null]));
}

export interface RecordWrite {
  table: SyncTableName;
  userId: string;
  recordId: string;
  /** The current row, or null to insert a new one. */
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
 * changed field; a write that changes nothing leaves the row and the counter
 * alone. Returns the record's state afterwards. Runs inside the caller's
 * transaction; the caller saves the counter.
 */
export async function writeRecord(db: DatabaseWriter, counter: VersionCounter, w: RecordWrite): Promise<RecordState> {
  const before = w.existing === null ? {} : recordFields(w.table, w.existing);
  const changed = Object.keys(w.fields).filter((f) => w.existing === null || before[f] !== w.fields[f]);
  if (w.existing !== null && changed.length === 0) {
    return { version: w.existing.version, fields: before };
  }
  const version = counter.next();
  const stamp = <T>(value: T) => Object.fromEntries(changed.map((f) => [f, value]));
  const values = Object.fromEntries(changed.map((f) => [f, w.fields[f]]));
  const meta = {
    version,
    fieldVersions: { ...w.existing?.fieldVersions, ...stamp(version) },
    fieldWriters: { ...w.existing?.fieldWriters, ...stamp(w.writer) },
    fieldTimes: { ...w.existing?.fieldTimes, ...stamp(w.time) },
  };
  // The field values were checked by checkFields, whose rules are exactly the
  // schema's types, so the casts below only bridge the two tables' unions.
  if (w.existing === null) {
    const doc = { userId: w.userId, recordId: w.recordId, ...values, ...meta };
    await db.insert(w.table, doc as never);
  } else {
    await db.patch(w.existing._id, { ...values, ...meta } as never);
  }
  const fields = { ...Object.fromEntries(tableDecl(w.table).fieldNames.map((f) => [f, null])), ...before, ...values };
  return { version, fields: fields as Fields };
}
