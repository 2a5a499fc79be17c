/**
 * The replica's side of `convoy verify`: its records of a table whose id
 * ends with a suffix, read as the checksum compares them (the synced fields
 * as stored) with the bookkeeping that says whether a difference is pending
 * local work. Read-only; rows are streamed, never all held at once, except
 * a leaf's few.
 */
import { columnName } from '../schema/declare.js';
import type { Fields } from '../schema/protocol.js';
import type { Store } from './open.js';
import type { SyncTableSpec } from './registry.js';
import { PERSONAL_WORKSPACE, type SyncStatus } from './sync-columns.js';

/** A replica record as verify reads it. */
export interface VerifyRow {
  recordId: string;
  fields: Fields;
  /** The server version the replica last applied; null before the server confirmed it. */
  serverVersion: number | null;
  syncStatus: SyncStatus;
  /** Whether an outbox op (pending or failed) still names the record. */
  queued: boolean;
}

interface RawRow extends Record<string, unknown> {
  id: string;
  server_version: number | null;
  sync_status: SyncStatus;
  queued: number;
}

function rowsStatement(store: Store, spec: SyncTableSpec) {
  const columns = spec.fields.map((f) => `t."${columnName(f)}" AS "${f}"`).join(', ');
  // substr(id, length(id) - n + 1) is the id's last n characters ('' for n = 0, matching every id).
  return store.sqlite.prepare(
    `SELECT t.id, t.server_version, t.sync_status, ${columns},
       EXISTS (SELECT 1 FROM outbox o WHERE o.table_name = ? AND o.record_id = t.id) AS queued
     FROM "${spec.name}" t WHERE t.workspace_id = ? AND substr(t.id, length(t.id) - ? + 1) = ?`,
  );
}

function toRow(spec: SyncTableSpec, raw: RawRow): VerifyRow {
  const fields: Fields = {};
  for (const f of spec.fields) fields[f] = (raw[f] ?? null) as Fields[string];
  return { recordId: raw.id, fields, serverVersion: raw.server_version, syncStatus: raw.sync_status, queued: raw.queued === 1 };
}

/** Each of the replica's records of `spec` in `workspace` (local id, '' personal) whose id ends with `suffix`, one at a time. */
export function* verifyRows(store: Store, spec: SyncTableSpec, suffix: string, workspace: string = PERSONAL_WORKSPACE): Generator<VerifyRow> {
  const statement = rowsStatement(store, spec);
  for (const raw of statement.iterate(spec.name, workspace, suffix.length, suffix) as Iterable<RawRow>) yield toRow(spec, raw);
}
