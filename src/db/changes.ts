/**
 * The one write path for synced records: the row and its outbox op are written
 * together, and callers wrap them in `replica.write()` so they commit (or
 * vanish) as one transaction. Nothing else inserts into `outbox`.
 */
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Fields } from '../schema/protocol.js';
import { pickSynced, type SyncTableSpec } from '../sync/registry.js';
import type { Replica } from './open.js';
import { outbox } from './schema.js';
import { compiled, type Compiled } from './statements.js';

type Row = Record<string, unknown>;

function insertRowStatement(replica: Replica, spec: SyncTableSpec): Compiled {
  return compiled(replica, `insert:${spec.name}`, () => {
    const values: Row = {};
    for (const key of Object.keys(getTableColumns(spec.table))) values[key] = sql.placeholder(key);
    return replica.db.insert(spec.table).values(values);
  });
}

function insertOpStatement(replica: Replica): Compiled {
  return compiled(replica, 'insert:outbox', () =>
    replica.db.insert(outbox).values({
      op: sql.placeholder('op'),
      tableName: sql.placeholder('tableName'),
      recordId: sql.placeholder('recordId'),
      fields: sql.placeholder('fields'),
      baseVersion: sql.placeholder('baseVersion'),
      createdAt: sql.placeholder('createdAt'),
    }),
  );
}

export interface NewOp {
  op: 'create' | 'update';
  tableName: string;
  recordId: string;
  fields: Fields;
  baseVersion: number | null;
  createdAt: number;
}

/** Append one op to the outbox. Not transactional by itself: call inside `replica.write()`. */
export function enqueueOp(replica: Replica, op: NewOp): void {
  insertOpStatement(replica).run({ ...op, fields: JSON.stringify(op.fields) });
}

/**
 * Insert a new record (every column of `spec.table` must be present in `row`,
 * null where empty) and queue its create op with all synced fields.
 * Not transactional by itself: call inside `replica.write()`.
 */
export function insertRecord(replica: Replica, spec: SyncTableSpec, row: Row): void {
  insertRowStatement(replica, spec).run({ ...row, serverId: null, serverVersion: null, syncStatus: 'pending' });
  enqueueOp(replica, {
    op: 'create',
    tableName: spec.name,
    recordId: row.id as string,
    fields: pickSynced(spec, row),
    baseVersion: null,
    createdAt: row.createdAt as number,
  });
}

/** The synced fields of `changes` whose value differs from `current`. */
export function diffFields(spec: SyncTableSpec, current: Row, changes: Row): Fields {
  const changed: Fields = {};
  for (const field of spec.fields) {
    if (!(field in changes)) continue;
    const next = (changes[field] ?? null) as Fields[string];
    if (next !== (current[field] ?? null)) changed[field] = next;
  }
  return changed;
}

/**
 * Write `changes` to the record `current` and queue an update op holding only
 * the fields that really changed, based on the server version last seen.
 * Returns the changed fields; when there are none, writes nothing.
 * Not transactional by itself: call inside `replica.write()`.
 */
export function updateRecord(replica: Replica, spec: SyncTableSpec, current: Row, changes: Row, now: number): Fields {
  const changed = diffFields(spec, current, changes);
  if (Object.keys(changed).length === 0) return changed;
  replica.db
    .update(spec.table)
    .set({ ...changed, updatedAt: now, syncStatus: 'pending' })
    .where(eq(spec.table.id, current.id as string))
    .run();
  enqueueOp(replica, {
    op: 'update',
    tableName: spec.name,
    recordId: current.id as string,
    fields: changed,
    baseVersion: (current.serverVersion as number | null) ?? null,
    createdAt: now,
  });
  return changed;
}

/**
 * Server values ready for a local row: only known synced fields, with the
 * table's defaults for NOT NULL fields the server left empty. `complete`
 * fills every missing synced field with null (for inserts).
 */
export function withDefaults(spec: SyncTableSpec, fields: Fields, complete: boolean): Fields {
  const out: Fields = {};
  for (const key of spec.fields) {
    if (key in fields) out[key] = fields[key] ?? null;
    else if (complete) out[key] = null;
    else continue;
    if (out[key] === null && key in spec.defaults) out[key] = spec.defaults[key]!;
  }
  return out;
}
