/**
 * Convex schema for convoy. Synced records carry, besides their fields, the
 * bookkeeping that field-level conflict detection and cursor pulls need.
 */
import { defineSchema, defineTable } from 'convex/server';
import { v } from 'convex/values';
import { opResultValidator } from './model/results.js';
import { storedFields } from './model/fields.js';

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

export default defineSchema({
  tasks: defineTable({ ...recordMeta, ...storedFields.tasks })
    .index('by_user_record', ['userId', 'recordId'])
    .index('by_user_version', ['userId', 'version']),
  projects: defineTable({ ...recordMeta, ...storedFields.projects })
    .index('by_user_record', ['userId', 'recordId'])
    .index('by_user_version', ['userId', 'version']),
  /** One per user: the last version handed out. */
  counters: defineTable({ userId: v.string(), value: v.number() }).index('by_user', ['userId']),
  /** One per replica: the last op sequence applied (or permanently rejected). */
  clients: defineTable({ userId: v.string(), clientId: v.string(), lastSeq: v.number() }).index('by_user_client', [
    'userId',
    'clientId',
  ]),
  /** Stored per-op results, so a replayed op gets the same answer. Pruned as the client moves on. */
  opResults: defineTable({ userId: v.string(), clientId: v.string(), seq: v.number(), result: opResultValidator }).index(
    'by_user_client_seq',
    ['userId', 'clientId', 'seq'],
  ),
});
