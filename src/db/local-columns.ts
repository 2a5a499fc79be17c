/**
 * How a declared field is stored in the replica (SQLite). Shared by the
 * drizzle generator (src/gen/drizzle.ts) and the registry, so the generated
 * tables and the defaults applied to pulled values cannot disagree.
 * Pure: imports only the declarations' types.
 */
import type { FieldDecl } from '../schema/declare.js';
import type { FieldValue } from '../schema/protocol.js';

/**
 * The value the replica stores when the wire says null (or nothing) for a
 * NOT NULL column: '' for optional text, the default of a defaulted enum.
 * Undefined when null is stored as null (or the field can never be null).
 */
export function localDefault(field: FieldDecl): FieldValue | undefined {
  if (field.type.kind === 'text' && !field.required) return '';
  if (field.type.kind === 'enum' && typeof field.default === 'string' && !field.nullable) return field.default;
  return undefined;
}

/** Whether the local column is NOT NULL. */
export function localNotNull(field: FieldDecl): boolean {
  return field.required || !field.nullable || localDefault(field) !== undefined;
}

/**
 * Indexes every synced table gets in the replica besides its declared ones,
 * over the bookkeeping columns: `sync_status` then the newest-first order, so
 * "what is not synced yet" (`list --pending`) is a range, not a scan.
 */
export const LOCAL_INDEXES: readonly (readonly string[])[] = [['syncStatus', 'createdAt', 'id']];
