/**
 * The Convex schema for a registry of synced tables. Each synced table holds,
 * besides its declared fields, the bookkeeping that field-level conflict
 * detection and cursor pulls need; three more tables hold the per-user
 * counter and the per-replica push bookkeeping.
 */
import { defineSchema, defineTable } from 'convex/server';
import { v } from 'convex/values';
import type { Registry } from '../../src/schema/registry.js';
import { storedFields } from './fields.js';
import { opResultValidator } from './results.js';

const recordMeta = {
  userId: v.string(),
  /** Client-generated UUID: the same id on every replica and here. */
  recordId: v.string(),
  /** Per-user change counter value of the record's latest write (the pull cursor). */
  version: v.number(),
  /** field -> counter value of the write that last changed it. */
  fieldVersions: v.record(v.string(), v.number()),
  /** field -> client id that last changed it, or "web". */
  fieldWriters: v.record(v.string(), v.string()),
  /** field -> writer's wall clock (ms) of that change; only last-write-wins reads it. */
  fieldTimes: v.record(v.string(), v.number()),
};
/** Document fields of a synced table that are not declared fields. */
export const RECORD_META_FIELDS: readonly string[] = Object.keys(recordMeta);

const bookkeeping = {
  /** One per user: the last version handed out (model/store.ts says why a counter). */
  counters: defineTable({ userId: v.string(), value: v.number() }).index('by_user', ['userId']),
  /** One per replica: the last op sequence applied (or permanently rejected). */
  clients: defineTable({ userId: v.string(), clientId: v.string(), lastSeq: v.number() }).index('by_user_client', ['userId', 'clientId']),
  /** Stored per-op results, so a replayed op gets the same answer. Pruned as the client moves on. */
  opResults: defineTable({ userId: v.string(), clientId: v.string(), seq: v.number(), result: opResultValidator }).index(
    'by_user_client_seq',
    ['userId', 'clientId', 'seq'],
  ),
};

// Convex table and field names: letters, digits and underscores, not starting with "_" or a digit.
const CONVEX_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

/**
 * Refuse, when the schema is built (so at deploy, not silently later), a
 * registry Convex cannot store as declared: a name Convex refuses, a table
 * named like a bookkeeping table, a field named like the bookkeeping.
 */
export function assertConvexRegistry(registry: Registry): void {
  const problem = (message: string) => new Error(`convex: the table declarations cannot be stored: ${message}`);
  for (const table of registry) {
    if (!CONVEX_NAME.test(table.name)) throw problem(`table name ${JSON.stringify(table.name)} is not a Convex table name`);
    if (Object.hasOwn(bookkeeping, table.name)) throw problem(`table ${table.name} clashes with convoy's own ${table.name} table`);
    for (const field of table.fieldNames) {
      if (!CONVEX_NAME.test(field)) throw problem(`${table.name}.${field} is not a Convex field name`);
      if (RECORD_META_FIELDS.includes(field)) throw problem(`${table.name}.${field} clashes with the record bookkeeping`);
    }
  }
}

/** The schema: one table per declared table (indexed by user+record and user+version), plus the bookkeeping. */
export function convexSchema(registry: Registry) {
  assertConvexRegistry(registry);
  const synced = Object.fromEntries(
    registry.map((table) => [
      table.name,
      defineTable({ ...recordMeta, ...storedFields(table) })
        .index('by_user_record', ['userId', 'recordId'])
        .index('by_user_version', ['userId', 'version']),
    ]),
  );
  return defineSchema({ ...synced, ...bookkeeping });
}
