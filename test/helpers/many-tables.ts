/**
 * A registry of many generated table declarations, and field values that fit
 * (or break) them, for tests that prove the registry scales with no
 * per-table code.
 */
import { defineTable, f, type FieldDecl, type TableDecl } from '../../src/schema/declare.js';
import type { Fields, FieldValue } from '../../src/schema/protocol.js';
import { CONFLICT_POLICIES } from '../../src/schema/protocol.js';
import type { Registry } from '../../src/schema/registry.js';

const KINDS: ((i: number) => FieldDecl)[] = [
  (i) => f.text({ max: 20 + i, required: true }),
  (i) => f.text({ max: 100 + i, multiline: true }),
  (i) => f.enum([`a${i}`, `b${i}`, `c${i}`], { default: `a${i}` }),
  () => f.enum(['H', 'M', 'L'], { nullable: true }),
  () => f.time({ nullable: true }),
  () => f.ref('t00'),
];

/**
 * `count` tables t00, t01, …; table i has 2–4 fields of kinds chosen by i
 * (always one required text, so a create has something to require), and
 * policies cycling through every policy but manual.
 */
export function declareManyTables(count: number): Registry {
  const tables: TableDecl[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `t${String(i).padStart(2, '0')}`;
    const fields: Record<string, FieldDecl> = { label: KINDS[0]!(i) };
    const extra = 1 + (i % 3);
    for (let k = 0; k < extra; k += 1) fields[`f${k}Of${name}`] = KINDS[1 + ((i + k) % (KINDS.length - 1))]!(i);
    const policy = CONFLICT_POLICIES.filter((p) => p !== 'manual')[i % 3]!;
    tables.push(defineTable({ name, noun: `thing ${i}`, policy, fields }));
  }
  return tables;
}

/** A valid value of `decl`, varied by `n`. */
export function sampleValue(decl: FieldDecl, n: number): FieldValue {
  const t = decl.type;
  switch (t.kind) {
    case 'text':
      return `v${n}`.slice(0, t.max);
    case 'enum':
      return t.values[n % t.values.length]!;
    case 'time':
      return 1_700_000_000_000 + n;
    case 'ref':
      return `0193ab12-3456-7890-abcd-${String(n).padStart(12, '0')}`;
  }
}

/** A valid create of `table`: every declared field set (createdAt included). */
export function sampleFields(table: TableDecl, n: number): Fields {
  return Object.fromEntries(table.fieldNames.map((name) => [name, sampleValue(table.fields[name]!, n)]));
}

/**
 * A field of `table` other than createdAt, chosen by `n` (so a loop over the
 * tables edits fields of every kind), for updates and conflicts.
 */
export function editableField(table: TableDecl, n: number): string {
  const own = table.fieldNames.filter((name) => name !== 'createdAt');
  return own[n % own.length]!;
}

/** A value `decl`'s rule refuses: blank required text, text over its limit, an undeclared enum value, a negative time, a short id. */
export function invalidValue(decl: FieldDecl): FieldValue {
  const t = decl.type;
  switch (t.kind) {
    case 'text':
      return decl.required ? '   ' : 'x'.repeat(t.max + 1);
    case 'enum':
      return 'none-of-these';
    case 'time':
      return -1;
    case 'ref':
      return '0193ab12';
  }
}

/** A one-field update of `table` its rules refuse; the field is `editableField(table, n)`. */
export function invalidUpdate(table: TableDecl, n = 0): Fields {
  const name = editableField(table, n);
  return { [name]: invalidValue(table.fields[name]!) };
}
