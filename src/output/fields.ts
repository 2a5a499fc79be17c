/**
 * How declared fields appear to people and scripts, derived from the table
 * declarations (src/schema/tables.ts): JSON keys and values, labels in
 * `show` and the board, input names of flags and import lines. Pure.
 */
import { setsOf, type FieldDecl, type TableDecl } from '../schema/declare.js';
import { TABLES } from '../schema/tables.js';

/** Epoch ms as ISO-8601, null stays null. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A record as the replica holds it: id, declared fields, bookkeeping. */
export interface RecordLike {
  id: string;
  updatedAt: number;
  syncStatus: string;
}

/**
 * The stable JSON shape of a record (docs/architecture.md, "CLI contract"): id, the
 * declared fields in declaration order (times as ISO-8601 strings), then
 * updatedAt and syncStatus.
 */
export function recordJson(decl: TableDecl, record: RecordLike): Record<string, unknown> {
  const values = record as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { id: record.id };
  for (const name of decl.fieldNames) {
    const value = values[name] ?? null;
    out[name] = decl.fields[name]!.type.kind === 'time' ? iso(value as number | null) : value;
  }
  // Set-valued fields (their members, sorted), when the repository read them.
  for (const { field } of setFields(decl)) out[field] = values[field] ?? [];
  out.updatedAt = iso(record.updatedAt);
  out.syncStatus = record.syncStatus;
  return out;
}

/** The input names a person sets fields of `decl` by (flags, import keys), in declaration order. */
export function inputNames(decl: TableDecl): string[] {
  return decl.fieldNames.flatMap((name) => decl.fields[name]!.input ?? []);
}

/** The set-valued fields of `decl` (src/schema/declare.ts, SetDecl), in declaration order. */
export const setFields = (decl: TableDecl) => setsOf(decl.name, TABLES).map((t) => t.set!);

export interface LabelledField {
  name: string;
  label: string;
  field: FieldDecl;
}

/** Fields shown under a label (`show`, the board's details), in declaration order. */
export function labelledFields(decl: TableDecl): LabelledField[] {
  return decl.fieldNames.flatMap((name) => {
    const field = decl.fields[name]!;
    return field.label === null ? [] : [{ name, label: field.label, field }];
  });
}
