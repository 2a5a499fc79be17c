/**
 * The one write path for synced records: the row and its outbox op are
 * written together, inside the caller's write transaction (`WriteTx`), so
 * they commit (or vanish) as one. Nothing else inserts into `outbox`.
 */
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Fields } from '../schema/protocol.js';
import type { Store, WriteTx } from './open.js';
import { pickSynced, type SyncTableSpec } from './registry.js';
import { outbox } from './schema.js';
import { compiled, type Compiled } from './statements.js';
import { recordUndo } from './undo-log.js';
import { encodeFields, type NewOp } from './views.js';
import { PERSONAL_WORKSPACE } from './sync-columns.js';
import { requireWritable } from './workspaces.js';

type Row = Record<string, unknown>;

function insertRowStatement(tx: WriteTx, spec: SyncTableSpec): Compiled {
  return compiled(tx, `insert:${spec.name}`, () => {
    const values: Row = {};
    // Generated columns (the id tail) are SQLite's to compute.
    for (const [key, column] of Object.entries(getTableColumns(spec.table))) if (!column.generated) values[key] = sql.placeholder(key);
    return tx.db.insert(spec.table).values(values);
  });
}

function insertOpStatement(tx: WriteTx): Compiled {
  return compiled(tx, 'insert:outbox', () =>
    tx.db.insert(outbox).values({
      op: sql.placeholder('op'),
      tableName: sql.placeholder('tableName'),
      recordId: sql.placeholder('recordId'),
      workspaceId: sql.placeholder('workspaceId'),
      fields: sql.placeholder('fields'),
      baseVersion: sql.placeholder('baseVersion'),
      createdAt: sql.placeholder('createdAt'),
    }),
  );
}

/** Append one op to the outbox; returns its seq. */
export function enqueueOp(tx: WriteTx, op: NewOp): number {
  return Number(insertOpStatement(tx).run({ ...op, fields: encodeFields(op.fields) }).lastInsertRowid);
}

/** The workspace of a stored or new row ('' = personal). */
export const workspaceOf = (row: object): string => ((row as Row).workspaceId as string | undefined) ?? PERSONAL_WORKSPACE;

/**
 * Insert a new record (every column of `spec.table` must be present in `row`,
 * null where empty; `workspaceId` defaults to personal), queue its create op
 * with all synced fields, and log it for undo. Throws DeniedError when the
 * replica has left the record's workspace (read-only).
 */
export function insertRecord(tx: WriteTx, spec: SyncTableSpec, row: object): void {
  const values = row as Row;
  const workspaceId = workspaceOf(values);
  requireWritable(tx, workspaceId);
  insertRowStatement(tx, spec).run({ ...values, workspaceId, serverId: null, serverVersion: null, syncStatus: 'pending' });
  const recordId = values.id as string;
  const createdAt = values.createdAt as number;
  const opSeq = enqueueOp(tx, { op: 'create', tableName: spec.name, recordId, workspaceId, fields: pickSynced(spec, values), baseVersion: null, createdAt });
  recordUndo(tx, { op: 'create', tableName: spec.name, recordId, opSeq, previous: null, createdAt });
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
 * Write `changes` to the record `current` (its stored row) and queue an
 * update op holding only the fields that really changed, based on the server
 * version last seen. Logs the previous values for undo. Returns the changed
 * fields; when there are none, writes nothing. Throws DeniedError when the
 * replica has left the record's workspace (read-only).
 */
export function updateRecord(tx: WriteTx, spec: SyncTableSpec, current: object, changes: object, now: number): Fields {
  const row = current as Row;
  const workspaceId = workspaceOf(row);
  requireWritable(tx, workspaceId);
  const changed = diffFields(spec, row, changes as Row);
  if (Object.keys(changed).length === 0) return changed;
  tx.db
    .update(spec.table)
    .set({ ...changed, updatedAt: now, syncStatus: 'pending' })
    .where(eq(spec.table.id, row.id as string))
    .run();
  const recordId = row.id as string;
  const opSeq = enqueueOp(tx, { op: 'update', tableName: spec.name, recordId, workspaceId, fields: changed, baseVersion: (row.serverVersion as number | null) ?? null, createdAt: now });
  const before: Fields = {};
  for (const field of Object.keys(changed)) before[field] = (row[field] ?? null) as Fields[string];
  const previous = { fields: before, updatedAt: row.updatedAt as number, syncStatus: row.syncStatus as string };
  recordUndo(tx, { op: 'update', tableName: spec.name, recordId, opSeq, previous, createdAt: now });
  return changed;
}

/** The workspace of the stored record `id` of `spec` ('' when there is none: a programming error elsewhere catches that). Read-only. */
export function recordWorkspace(store: Store, spec: SyncTableSpec, id: string): string {
  const found = compiled(store, `record:workspace:${spec.name}`, () =>
    store.db.select({ workspaceId: spec.table.workspaceId }).from(spec.table).where(eq(spec.table.id, sql.placeholder('id'))),
  ).all<{ workspace_id: string }>({ id })[0];
  return found?.workspace_id ?? PERSONAL_WORKSPACE;
}

/** A record's stored row (every column), or undefined. */
export function getRecord(store: Store, spec: SyncTableSpec, id: string): Row | undefined {
  return store.db.select().from(spec.table).where(eq(spec.table.id, id)).get() as Row | undefined;
}

/**
 * Queue a create op again for a record the replica holds as synced but the
 * server does not have (found by `convoy verify`): its synced fields as they
 * are, so the next push puts it back. The row becomes pending. Not undoable
 * (it restores, it does not change). Returns the op's seq.
 */
export function requeueCreate(tx: WriteTx, spec: SyncTableSpec, recordId: string, now: number): number {
  const row = getRecord(tx, spec, recordId);
  if (!row) throw new Error(`requeueCreate: no ${spec.noun} ${recordId}`);
  tx.db.update(spec.table).set({ serverVersion: null, syncStatus: 'pending' }).where(eq(spec.table.id, recordId)).run();
  return enqueueOp(tx, { op: 'create', tableName: spec.name, recordId, workspaceId: workspaceOf(row), fields: pickSynced(spec, row), baseVersion: null, createdAt: now });
}

/** Whether the record is in the replica. Read-only; one compiled statement per table (cheap per op of a large push). */
export function hasRecord(store: Store, spec: SyncTableSpec, id: string): boolean {
  return compiled(store, `record:has:${spec.name}`, () => store.db.select({ one: sql`1` }).from(spec.table).where(eq(spec.table.id, sql.placeholder('id')))).all({ id }).length > 0;
}
