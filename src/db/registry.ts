/**
 * The registry of synced tables on the replica, derived from the declarations
 * (src/schema/tables.ts): each declared table paired with its generated
 * drizzle table. Writes, the outbox, status and the sync engine loop over it;
 * nothing here is written per table. Adding a table = declare it, `npm run gen`.
 */
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { titleFieldOf, type TableDecl } from '../schema/declare.js';
import type { ConflictPolicy, Fields } from '../schema/protocol.js';
import { checkFields, type FieldProblem } from '../schema/rules.js';
import { TABLES } from '../schema/tables.js';
import { localDefault } from './local-columns.js';
import { SYNCED_DRIZZLE_TABLES } from './tables.generated.js';

/** The columns every synced drizzle table has (see `syncColumns`). */
export type SyncedDrizzleTable = SQLiteTable & {
  id: SQLiteColumn;
  syncStatus: SQLiteColumn;
  /** The record's workspace ('' = personal). */
  workspaceId: SQLiteColumn;
  serverVersion: SQLiteColumn;
  updatedAt: SQLiteColumn;
  /** The id's random tail (generated, indexed): short ids are its prefixes. */
  idTail: SQLiteColumn;
};

export interface SyncTableSpec {
  name: string;
  /** Singular noun for messages ("task 0193… not found"). */
  noun: string;
  decl: TableDecl;
  table: SyncedDrizzleTable;
  /** Row properties that sync; wire names equal drizzle property names. */
  fields: readonly string[];
  /** How field conflicts on this table are settled by default. */
  policy: ConflictPolicy;
  /** Values the replica stores for NOT NULL fields a server record may leave null (e.g. written by a web app). */
  defaults: Fields;
  /** The field that names a record for people (the first required text: a task's title, a project's name). */
  titleField: string;
  /** Field rules shared with the servers; returns the first problem or null. */
  validate(fields: Fields, kind: 'create' | 'update'): FieldProblem | null;
}

function specOf(decl: TableDecl): SyncTableSpec {
  const table = (SYNCED_DRIZZLE_TABLES as Record<string, unknown>)[decl.name];
  if (!table) throw new Error(`no generated drizzle table for ${decl.name}; run npm run gen`);
  const defaults: Fields = {};
  for (const name of decl.fieldNames) {
    const fallback = localDefault(decl.fields[name]!);
    if (fallback !== undefined) defaults[name] = fallback;
  }
  return {
    name: decl.name,
    noun: decl.noun,
    decl,
    table: table as SyncedDrizzleTable,
    fields: decl.fieldNames,
    policy: decl.policy,
    defaults,
    titleField: titleFieldOf(decl),
    validate: (fields, kind) => checkFields(decl, fields, kind),
  };
}

/** Every synced table, in the declarations' (dependency) order. */
export const SYNC_TABLES: readonly SyncTableSpec[] = TABLES.map(specOf);

/** The spec of table `name`; throws for a table that is not declared (a programming error). */
export function specFor(name: string): SyncTableSpec {
  const found = SYNC_TABLES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown synced table ${name}`);
  return found;
}

/** Pick the synced fields out of a row (for a create op). */
export function pickSynced(spec: SyncTableSpec, row: object): Fields {
  const out: Fields = {};
  for (const field of spec.fields) out[field] = ((row as Record<string, unknown>)[field] ?? null) as Fields[string];
  return out;
}

/**
 * Server values ready for a local row: only known synced fields, with the
 * table's local defaults for NOT NULL fields the server left null.
 * `complete` fills every missing synced field with null first (for inserts).
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
