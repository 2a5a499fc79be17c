/**
 * Convex validators for synced fields, derived from the table declarations
 * (src/schema/declare.ts): how each field is stored, and how a synced value
 * travels. Nothing here names a table or a field.
 */
import { v, type GenericValidator, type Infer } from 'convex/values';
import type { FieldDecl, TableDecl } from '../../src/schema/declare.js';

/**
 * A synced value on the wire (protocol `FieldValue`). Null first: most fields
 * of a new record are null, and convex-test (the local test server) pays for
 * every union member that does not match with a thrown error.
 */
export const fieldValue = v.union(v.null(), v.string(), v.number());
export type WireFieldValue = Infer<typeof fieldValue>;

/** The stored type of one field: its kind's scalar, or null too when nullable. */
function storedValue(decl: FieldDecl): GenericValidator {
  // Enums are stored as strings: checkFields enforces the values, on every runtime alike.
  const scalar = decl.type.kind === 'time' ? v.number() : v.string();
  // Null first, like `fieldValue`.
  return decl.nullable ? v.union(v.null(), scalar) : scalar;
}

/**
 * Stored shape of a table's synced fields. All optional: a create must carry
 * only the required ones (checkFields decides), and an absent field reads as
 * null.
 */
export function storedFields(table: TableDecl): Record<string, GenericValidator> {
  return Object.fromEntries(table.fieldNames.map((name) => [name, v.optional(storedValue(table.fields[name]!))]));
}
