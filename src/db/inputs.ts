/**
 * What a person types, turned into field values by the declarations: every
 * field with an input name (src/schema/tables.ts) is read from the input of
 * that name; single-line text is trimmed; a ref is resolved in the table it
 * references (by title where titles are indexed, else by id), '' clears it.
 */
import { sql } from 'drizzle-orm';
import { UsageError } from '../errors.js';
import { columnName } from '../schema/declare.js';
import type { Fields, FieldValue } from '../schema/protocol.js';
import { resolveRecord } from './lookup.js';
import type { Store } from './open.js';
import { specFor, type SyncTableSpec } from './registry.js';
import { PERSONAL_WORKSPACE } from './sync-columns.js';
import { parseWhen, WHEN_FORMATS } from './when.js';

/** Input values by input name (a CLI flag or import key); undefined = not given; lists are a set's members (sets.ts). */
export type RawInput = { readonly [input: string]: string | readonly string[] | undefined };

/**
 * The declared fields `input` sets, normalised and with refs resolved among
 * the records of `workspace` (the record's); times are read as people type
 * them (when.ts) at `now`; '' clears an optional field. Throws UsageError on
 * an unknown reference or a time it cannot read. Read-only.
 */
export function fieldsFromInput(store: Store, spec: SyncTableSpec, input: RawInput, now: number, workspace: string = PERSONAL_WORKSPACE): Fields {
  const out: Fields = {};
  for (const name of spec.fields) {
    const decl = spec.decl.fields[name]!;
    const raw = decl.input === null ? undefined : input[decl.input];
    if (raw === undefined || typeof raw !== 'string') continue;
    const type = decl.type;
    if (type.kind === 'text') out[name] = type.multiline ? raw : raw.trim();
    else if (type.kind === 'ref') out[name] = raw === '' ? null : resolveRecord(store, specFor(type.table), raw, decl.input!, workspace);
    else if (raw === '' && decl.nullable) out[name] = null;
    else if (type.kind === 'time') out[name] = timeOf(decl.input!, raw, now);
    else out[name] = raw;
  }
  return out;
}

function timeOf(input: string, raw: string, now: number): number {
  const ms = parseWhen(raw, now);
  if (ms === null) throw new UsageError(`${input} ${JSON.stringify(raw)} is not a date or time; use ${WHEN_FORMATS} ("" clears it)`);
  return ms;
}

/**
 * A new record's full row: `fields`, then each field's declared default
 * ('now' = `now`), then its local default ('' for optional text), else null;
 * plus the sync bookkeeping of a record not yet pushed, in `workspace`
 * (default: personal).
 */
export function newRow(spec: SyncTableSpec, id: string, fields: Fields, now: number, workspace: string = PERSONAL_WORKSPACE): Record<string, FieldValue> {
  const row: Record<string, FieldValue> = { id, serverId: null, serverVersion: null, syncStatus: 'pending', workspaceId: workspace };
  for (const name of spec.fields) {
    const fallback = spec.decl.fields[name]!.default;
    // Missing required text is '' (refused by the rules as empty, like a blank one).
    const empty = spec.decl.fields[name]!.type.kind === 'text' ? '' : null;
    row[name] = fields[name] !== undefined ? fields[name]! : fallback === 'now' ? now : (fallback ?? spec.defaults[name] ?? empty);
  }
  row.updatedAt = now;
  return row;
}

/**
 * Refuse a reference to the record's own table that would make a cycle (the
 * record itself or one of its descendants), e.g. a task's parent. Read-only.
 */
export function assertNoCycles(store: Store, spec: SyncTableSpec, id: string, fields: Fields): void {
  for (const name of spec.fields) {
    const decl = spec.decl.fields[name]!;
    const target = fields[name];
    if (decl.type.kind !== 'ref' || decl.type.table !== spec.name || typeof target !== 'string') continue;
    const column = sql.raw(`"${columnName(name)}"`);
    const table = sql.raw(`"${spec.name}"`);
    const found = store.db.get(
      sql`WITH RECURSIVE up(id, depth) AS (SELECT ${target}, 0 UNION SELECT t.${column}, up.depth + 1 FROM ${table} t JOIN up ON t.id = up.id
       WHERE t.${column} IS NOT NULL AND up.depth < 10000) SELECT 1 FROM up WHERE id = ${id} LIMIT 1`,
    );
    if (found) {
      const label = decl.input ?? name;
      throw new UsageError(`${label} ${target} would make a cycle (it is ${id} itself or one of its sub${spec.name}); choose another ${label}`);
    }
  }
}
