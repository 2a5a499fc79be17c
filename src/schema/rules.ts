/**
 * Field rules, derived from the table declarations: one rule set shared by
 * the CLI, the Convex functions and (generated into SQL, kept equal by the
 * parity tests) the Supabase functions. Pure: no Node, no database.
 */
import type { FieldDecl, TableDecl } from './declare.js';
import type { Fields, FieldValue } from './protocol.js';

/** A field that failed its rule; `message` says what is wrong and how to fix it. */
export interface FieldProblem {
  field: string;
  message: string;
}

// C0 controls except tab and newline, DEL, and C1 controls.
/* eslint-disable no-control-regex -- matching control characters is the point */
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

interface TextRule {
  required: boolean;
  max: number;
  multiline: boolean;
}

export function checkText(field: string, value: FieldValue | undefined, rule: TextRule): FieldProblem | null {
  if (value === undefined || value === null) {
    return rule.required ? { field, message: `${field} is required` } : null;
  }
  if (typeof value !== 'string') return { field, message: `${field} must be a string` };
  if (rule.required && value.trim() === '') return { field, message: `${field} must not be empty; give some text` };
  if (value.length > rule.max) {
    return { field, message: `${field} is ${value.length} characters; shorten it to at most ${rule.max}` };
  }
  const control = rule.multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE;
  if (control.test(value)) {
    return { field, message: `${field} contains control characters; remove them${rule.multiline ? '' : ' (it must be one line)'}` };
  }
  return null;
}

function checkEnum(field: string, value: FieldValue, values: readonly string[], nullable: boolean): FieldProblem | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || !values.includes(value)) {
    return { field, message: `${field} ${JSON.stringify(value)} is not one of ${values.join(', ')}` };
  }
  return null;
}

function checkRef(field: string, value: FieldValue): FieldProblem | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !isUuid(value)) return { field, message: `${field} must be a full UUID or null` };
  return null;
}

function checkTime(field: string, value: FieldValue, nullable: boolean): FieldProblem | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return { field, message: `${field} must be a time in epoch milliseconds` };
  }
  return null;
}

/**
 * One field's rule. `value` undefined means "not in the op": fine for an
 * update; for a create, a required field must be there and a defaulted enum
 * takes its default.
 */
export function checkField(name: string, decl: FieldDecl, value: FieldValue | undefined, kind: 'create' | 'update'): FieldProblem | null {
  const t = decl.type;
  if (t.kind === 'text') {
    if (value === undefined && !(decl.required && kind === 'create')) return null;
    return checkText(name, value, { required: decl.required, max: t.max, multiline: t.multiline });
  }
  if (value === undefined) {
    if (kind === 'update' || decl.default !== undefined) {
      // A create may leave a defaulted field out; its default is valid by declaration.
      return null;
    }
    if (!decl.required) return null;
  }
  const v = value ?? null;
  switch (t.kind) {
    case 'enum':
      return checkEnum(name, kind === 'create' && v === null && typeof decl.default === 'string' ? decl.default : v, t.values, decl.nullable);
    case 'ref':
      return checkRef(name, v);
    case 'time':
      return checkTime(name, v, decl.nullable);
  }
}

/**
 * Check a (possibly partial) set of synced fields of `table`. For a create,
 * pass `kind: 'create'` so required fields are enforced. Returns the first
 * problem in declaration order, or null when the fields are acceptable.
 */
export function checkFields(table: TableDecl, fields: Fields, kind: 'create' | 'update'): FieldProblem | null {
  for (const key of Object.keys(fields)) {
    if (!Object.hasOwn(table.fields, key)) {
      return { field: key, message: `${key} is not a field of ${table.name}; use one of ${table.fieldNames.join(', ')}` };
    }
  }
  if (table.appendOnly && kind === 'update') return { field: 'kind', message: `${table.noun}s are never changed; add a new ${table.noun}` };
  for (const name of table.fieldNames) {
    const problem = checkField(name, table.fields[name]!, fields[name], kind);
    if (problem !== null) return problem;
  }
  return null;
}
