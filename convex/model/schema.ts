/**
 * The Convex schema for a registry of synced tables. Each synced table holds,
 * besides its declared fields, the bookkeeping that field-level conflict
 * detection and cursor pulls need; three more tables hold the per-workspace
 * counter and the per-replica push bookkeeping, and three the workspaces,
 * their members and users' display names (src/schema/server/workspaces.ts).
 *
 * Every synced document belongs to one workspace (`workspaceId`: a user's
 * personal workspace has the user's id). Documents written before
 * workspaces carry `userId` instead; convex/migrations.ts copies it into
 * `workspaceId`. Until it has run, both fields are optional (a deployment
 * with old documents would refuse a schema that requires the new one).
 */
import { defineSchema, defineTable } from 'convex/server';
import { v } from 'convex/values';
import type { Registry } from '../../src/schema/registry.js';
import { storedFields } from './fields.js';
import { opResultValidator } from './results.js';

/** Written by convoy before workspaces (issue #16): convex/migrations.ts moves it into `workspaceId`. */
const legacyUserId = { userId: v.optional(v.string()) };
/** The workspace a document belongs to; optional only until convex/migrations.ts has run. */
const workspaceId = { workspaceId: v.optional(v.string()) };

const recordMeta = {
  ...workspaceId,
  /** Client-generated UUID: the same id on every replica and here. */
  recordId: v.string(),
  /** Per-workspace change counter value of the record's latest write (the pull cursor). */
  version: v.number(),
  /** field -> counter value of the write that last changed it. */
  fieldVersions: v.record(v.string(), v.number()),
  /** field -> client id that last changed it, or "web". */
  fieldWriters: v.record(v.string(), v.string()),
  /** field -> writer's wall clock (ms) of that change; only last-write-wins reads it. */
  fieldTimes: v.record(v.string(), v.number()),
};
/** Document fields of a synced table that are not declared fields. */
export const RECORD_META_FIELDS: readonly string[] = [...Object.keys(recordMeta), ...Object.keys(legacyUserId)];

const bookkeeping = {
  /** One per workspace: the last version handed out (model/store.ts says why a counter). */
  counters: defineTable({ ...workspaceId, ...legacyUserId, value: v.number() }).index('by_workspace', ['workspaceId']),
  /**
   * One per replica and workspace: the last op sequence applied (or
   * permanently rejected), and `userId`, the user behind the replica (who
   * `FieldConflict.remoteWriter` names; before workspaces, the key).
   */
  clients: defineTable({ ...workspaceId, userId: v.optional(v.string()), clientId: v.string(), lastSeq: v.number() }).index('by_workspace_client', [
    'workspaceId',
    'clientId',
  ]),
  /** Stored per-op results, so a replayed op gets the same answer. Pruned as the client moves on. */
  opResults: defineTable({ ...workspaceId, ...legacyUserId, clientId: v.string(), seq: v.number(), result: opResultValidator }).index(
    'by_workspace_client_seq',
    ['workspaceId', 'clientId', 'seq'],
  ),
  /** One per shared workspace (a personal one has no document): `workspaceId` is a UUID made by the server. */
  workspaces: defineTable({ workspaceId: v.string(), name: v.string(), createdBy: v.string() }).index('by_workspace', ['workspaceId']),
  /** One per member of a shared workspace. */
  members: defineTable({ workspaceId: v.string(), userId: v.string(), role: v.union(v.literal('owner'), v.literal('member')) })
    .index('by_workspace_user', ['workspaceId', 'userId'])
    .index('by_user', ['userId']),
  /** Users' display names, from their tokens' `name` (else `email`) claim when they last wrote. */
  users: defineTable({ userId: v.string(), name: v.union(v.null(), v.string()) }).index('by_user', ['userId']),
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

/** The schema: one table per declared table (indexed by workspace+record and workspace+version), plus the bookkeeping. */
export function convexSchema(registry: Registry) {
  assertConvexRegistry(registry);
  const synced = Object.fromEntries(
    registry.map((table) => [
      table.name,
      defineTable({ ...recordMeta, ...legacyUserId, ...storedFields(table) })
        .index('by_workspace_record', ['workspaceId', 'recordId'])
        .index('by_workspace_version', ['workspaceId', 'version']),
    ]),
  );
  return defineSchema({ ...synced, ...bookkeeping });
}
