/**
 * What a web app calls to edit records directly. A web write bumps versions
 * exactly like push (same write helper), records the writer as "web", and
 * always takes the web value (a person editing the latest state), so
 * replicas see it as a remote change and settle conflicts with it by their
 * table's policy. Tests use it to simulate concurrent edits.
 */
import type { TableDecl } from '../declare.js';
import type { Fields } from '../protocol.js';
import { findTable, type Registry } from '../registry.js';
import { checkFields, isUuid } from '../rules.js';
import { VersionCounter, writeRecord, type RecordState } from './records.js';
import { WEB_WRITER } from './push.js';
import { ServerError, type SyncStore } from './store.js';

export interface WebWrite {
  table: string;
  recordId: string;
  /** For a create, the fields the form gave (the rest take the declared defaults); for an update, the changed ones. */
  fields: Fields;
  kind: 'create' | 'update';
  /** The server's clock (ms): the "now" of defaults and the write time of the fields. */
  now: number;
}

/**
 * Apply one web write, inside one store transaction. Returns the record's
 * state. Not idempotent: a second create of an id is `exists`. Throws
 * ServerError `invalid` (field rules, unknown table; `field` names the
 * culprit), `exists` (create of a known id) or `not_found` (update of an
 * unknown id, or another workspace's).
 */
export async function applyWebWrite(store: SyncStore, registry: Registry, w: WebWrite): Promise<RecordState & { recordId: string }> {
  const table = findTable(w.table, registry);
  if (table === undefined) throw new ServerError('invalid', `unknown table ${JSON.stringify(w.table)}`, 'table');
  const fields = w.kind === 'create' ? { ...createDefaults(table, w.now), ...w.fields } : w.fields;
  if (!isUuid(w.recordId)) throw new ServerError('invalid', 'recordId must be a full UUID', 'recordId');
  const problem = checkFields(table, fields, w.kind);
  if (problem !== null) throw new ServerError('invalid', problem.message, problem.field);
  const existing = await store.findRecord(table.name, w.recordId);
  if (w.kind === 'create' && existing !== null) throw new ServerError('exists', `${table.name} ${w.recordId} already exists`);
  if (w.kind === 'update' && existing === null) throw new ServerError('not_found', `no ${table.name} ${w.recordId}`);
  const counter = await VersionCounter.open(store);
  const state = await writeRecord(store, counter, { table, recordId: w.recordId, existing, fields, writer: WEB_WRITER, time: w.now });
  await counter.save(store);
  return { recordId: w.recordId, ...state };
}

/** Values a web form leaves out on create: each optional field's declared default, or null. */
export function createDefaults(table: TableDecl, now: number): Fields {
  const out: Fields = {};
  for (const name of table.fieldNames) {
    const decl = table.fields[name]!;
    if (decl.required) continue;
    if (decl.default === 'now') out[name] = now;
    else if (decl.default !== undefined) out[name] = decl.default;
    else if (decl.nullable) out[name] = null;
  }
  return out;
}
