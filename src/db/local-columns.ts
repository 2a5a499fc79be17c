/**
 * How a declared field is stored in the replica (SQLite). Shared by the
 * drizzle generator (src/gen/drizzle.ts) and the registry, so the generated
 * tables and the defaults applied to pulled values cannot disagree.
 * Pure: imports only the declarations.
 */
import { nullStoredAs, WORKSPACE_KEY, type FieldDecl } from '../schema/declare.js';
import type { FieldValue } from '../schema/protocol.js';

/**
 * The value the replica stores when the wire says null (or nothing) for a
 * NOT NULL column: '' for optional text, the default of a defaulted enum.
 * Undefined when null is stored as null (or the field can never be null).
 */
export function localDefault(field: FieldDecl): FieldValue | undefined {
  return nullStoredAs(field);
}

/** Whether the local column is NOT NULL. */
export function localNotNull(field: FieldDecl): boolean {
  return field.required || !field.nullable || localDefault(field) !== undefined;
}

/**
 * Indexes every synced table gets in the replica besides its declared ones,
 * over the bookkeeping columns: the workspace, `sync_status`, then the
 * newest-first order, so "what is not synced yet" in a workspace
 * (`list --pending`) is a range, not a scan.
 */
export const LOCAL_INDEXES: readonly (readonly string[])[] = [[WORKSPACE_KEY, 'syncStatus', 'createdAt', 'id']];
