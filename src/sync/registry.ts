/**
 * The registry of synced tables: each declared once, here. Writes, the outbox,
 * status and the sync engine loop over it; nothing else hard-codes per-table
 * sync logic. Adding a table = a drizzle table in `src/db/schema.ts`, its field
 * rules in `src/domain/rules.ts`, and an entry here.
 */
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { checkFields, type FieldProblem } from '../schema/rules.js';
import { tableDecl } from '../schema/registry.js';
import { projects, tasks } from '../db/schema.js';
import type { ConflictPolicy, Fields, SyncTableName } from '../schema/protocol.js';

/** The columns every synced drizzle table has (see `syncColumns` in the schema). */
export type SyncedDrizzleTable = SQLiteTable & {
  id: SQLiteColumn;
  syncStatus: SQLiteColumn;
  serverVersion: SQLiteColumn;
  updatedAt: SQLiteColumn;
};

export interface SyncTableSpec {
  name: SyncTableName;
  /** Singular noun for messages ("task 0193… not found"). */
  noun: string;
  table: SyncedDrizzleTable;
  /** Row properties that sync; wire names equal drizzle property names. */
  fields: readonly string[];
  /** How field conflicts on this table are settled by default. */
  policy: ConflictPolicy;
  /** Values for NOT NULL fields a server record may leave empty (e.g. written by a web app). */
  defaults: Fields;
  /** Field rules shared with the servers; returns the first problem or null. */
  validate(fields: Fields, kind: 'create' | 'update'): FieldProblem | null;
}

function spec(name: SyncTableName, noun: string, table: SyncedDrizzleTable, policy: ConflictPolicy, defaults: Fields): SyncTableSpec {
  return {
    name,
    noun,
    table,
    fields: tableDecl(name).fieldNames,
    policy,
    defaults,
    validate: (fields, kind) => checkFields(tableDecl(name), fields, kind),
  };
}

/**
 * Every synced table, in dependency order (projects before the tasks that
 * reference them) so pushes and pulls of one sync keep references resolvable.
 */
export const SYNC_TABLES: readonly SyncTableSpec[] = [
  // Projects are shared structure: the server's (team's) version wins.
  spec('projects', 'project', projects as unknown as SyncedDrizzleTable, 'remote-wins', { description: '' }),
  // Captured task data is authoritative: the local edit wins.
  spec('tasks', 'task', tasks as unknown as SyncedDrizzleTable, 'local-wins', { description: '', status: 'todo', stage: '' }),
];

/** The conflict policy of every table, as a push batch declares them. */
export function policies(): Record<SyncTableName, ConflictPolicy> {
  return Object.fromEntries(SYNC_TABLES.map((s) => [s.name, s.policy])) as Record<SyncTableName, ConflictPolicy>;
}

export function specFor(name: string): SyncTableSpec {
  const found = SYNC_TABLES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown synced table ${name}`);
  return found;
}

/** Pick the synced fields out of a row (for a create op). */
export function pickSynced(spec: SyncTableSpec, row: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const field of spec.fields) out[field] = (row[field] ?? null) as Fields[string];
  return out;
}
