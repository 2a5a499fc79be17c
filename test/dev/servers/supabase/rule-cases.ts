/**
 * Field-rule cases derived from a table declaration: for each field, values
 * its kind must accept and values it must refuse, in creates and updates.
 * The parity tests run them through checkFields and the generated SQL.
 */
import type { FieldDecl, TableDecl } from '../../../../src/schema/declare.js';
import type { Fields, FieldValue } from '../../../../src/schema/protocol.js';

const UUID = '0193ab12-3456-7890-abcd-ef0123456789';

function valuesFor(decl: FieldDecl): FieldValue[] {
  const t = decl.type;
  switch (t.kind) {
    case 'text':
      return ['ok', '', ' \t ', 'x'.repeat(t.max), 'x'.repeat(t.max + 1), '😀'.repeat(Math.ceil(t.max / 2) + 1), 'two\nlines', 'bell\u0007', 'nul\u0000', 42, null];
    case 'enum':
      return [t.values[0]!, 'nope', 5, null];
    case 'ref':
      return [UUID, UUID.toUpperCase(), 'nope', 5, null];
    case 'time':
      return [1_700_000_000_000, 0, -1, 1.5, 'yesterday', null];
  }
}

/** A valid create of `table`: every required field given. */
export function validCreate(table: TableDecl): Fields {
  return Object.fromEntries(
    table.fieldNames.flatMap((name): [string, FieldValue][] => {
      const decl = table.fields[name]!;
      if (decl.type.kind === 'text') return [[name, decl.required ? 'ok' : null]];
      if (decl.type.kind === 'time') return [[name, decl.nullable ? null : 1_700_000_000_000]];
      if (decl.type.kind === 'enum') return decl.nullable || decl.default !== undefined ? [] : [[name, decl.type.values[0]!]];
      return [[name, null]];
    }),
  );
}

/** [fields, kind] cases: each field's values in a create and alone in an update, plus a field left out and an unknown one. */
export function ruleCases(table: TableDecl): [Fields, 'create' | 'update'][] {
  const cases: [Fields, 'create' | 'update'][] = [[validCreate(table), 'create'], [{ ...validCreate(table), unknownField: 'x' }, 'create']];
  for (const name of table.fieldNames) {
    const decl = table.fields[name]!;
    for (const value of valuesFor(decl)) {
      cases.push([{ ...validCreate(table), [name]: value }, 'create'], [{ [name]: value }, 'update']);
    }
    const { [name]: _left, ...without } = validCreate(table);
    cases.push([without, 'create']);
  }
  return cases;
}
