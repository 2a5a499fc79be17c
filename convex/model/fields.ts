/**
 * The synced fields of each table, as the server stores them, and as they
 * travel in push arguments. The names must equal `SYNCED_FIELDS` in
 * src/domain/rules.ts (checked when this module loads, so a deploy with a
 * mismatch fails instead of silently dropping a field).
 */
import { v, type Infer } from 'convex/values';
import { tableDecl } from '../../src/schema/registry.js';
import type { SyncTableName } from '../../src/schema/protocol.js';

// Null first, like `fieldValue` below: cheaper for convex-test, same for Convex.
const nullableText = v.union(v.null(), v.string());
const nullableTime = v.union(v.null(), v.number());

/**
 * Stored shape of each table's synced fields. All optional: a create must
 * carry only the required ones (checkFields decides), and an absent field
 * reads as null.
 */
export const storedFields = {
  tasks: {
    title: v.optional(v.string()),
    description: v.optional(nullableText),
    status: v.optional(v.string()),
    stage: v.optional(nullableText),
    projectId: v.optional(nullableText),
    parentId: v.optional(nullableText),
    completedAt: v.optional(nullableTime),
    createdAt: v.optional(v.number()),
  },
  projects: {
    name: v.optional(v.string()),
    description: v.optional(nullableText),
    createdAt: v.optional(v.number()),
  },
} as const;

/**
 * A synced value on the wire (protocol `FieldValue`). Null first: most fields
 * of a new task are null, and convex-test (the local test server) pays for
 * every union member that does not match with a thrown error.
 */
export const fieldValue = v.union(v.null(), v.string(), v.number());
export type WireFieldValue = Infer<typeof fieldValue>;
const optionalFieldValue = v.optional(fieldValue);

/**
 * Push/web argument shape of a table's fields: only that table's field names
 * (an unknown name fails argument validation), but any scalar value. Values
 * are checked per op by `checkFields` instead, so one bad value rejects one
 * op rather than failing the whole batch and wedging the queue behind it.
 */
function wireFields<K extends string>(keys: readonly K[]) {
  const entries = keys.map((k) => [k, optionalFieldValue] as const);
  return v.object(Object.fromEntries(entries) as Record<K, typeof optionalFieldValue>);
}

type FieldName<T extends SyncTableName> = keyof (typeof storedFields)[T] & string;
const fieldNames = <T extends SyncTableName>(table: T) => Object.keys(storedFields[table]) as FieldName<T>[];

export const wireFieldsValidator = {
  tasks: wireFields(fieldNames('tasks')),
  projects: wireFields(fieldNames('projects')),
};

function assertMatchesRules(table: SyncTableName): void {
  const here = [...fieldNames(table)].sort().join(',');
  const rules = [...tableDecl(table).fieldNames].sort().join(',');
  if (here !== rules) {
    throw new Error(`convex/model/fields.ts ${table} fields [${here}] differ from SYNCED_FIELDS [${rules}]`);
  }
}
assertMatchesRules('tasks');
assertMatchesRules('projects');
