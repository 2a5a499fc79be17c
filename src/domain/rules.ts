/**
 * Field rules shared by the CLI and the servers (the `convex/` functions import
 * this file; the Supabase SQL mirrors it). Pure: no Node, no database.
 */
import type { Fields, FieldValue, SyncTableName } from '../sync/protocol.js';

export const TASK_STATUSES = ['todo', 'in_progress', 'done', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const LIMITS = { title: 500, description: 10_000, stage: 100, projectName: 200 } as const;

/** Fields that sync, per table. Anything else in an op is refused. */
export const SYNCED_FIELDS: Record<SyncTableName, readonly string[]> = {
  tasks: ['title', 'description', 'status', 'stage', 'projectId', 'parentId', 'completedAt', 'createdAt'],
  projects: ['name', 'description', 'createdAt'],
};

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

function checkStatus(value: FieldValue | undefined): FieldProblem | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !(TASK_STATUSES as readonly string[]).includes(value)) {
    return { field: 'status', message: `status ${JSON.stringify(value)} is not one of ${TASK_STATUSES.join(', ')}` };
  }
  return null;
}

function checkOptionalId(field: string, value: FieldValue | undefined): FieldProblem | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !isUuid(value)) return { field, message: `${field} must be a full UUID or null` };
  return null;
}

function checkTime(field: string, value: FieldValue | undefined, nullable: boolean): FieldProblem | null {
  if (value === undefined || (value === null && nullable)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return { field, message: `${field} must be a time in epoch milliseconds` };
  }
  return null;
}

/**
 * Check a (possibly partial) set of synced fields of `table`. For a create,
 * pass `kind: 'create'` so required fields are enforced. Returns the first
 * problem, or null when the fields are acceptable.
 */
export function checkFields(table: SyncTableName, fields: Fields, kind: 'create' | 'update'): FieldProblem | null {
  const allowed = SYNCED_FIELDS[table];
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) return { field: key, message: `${key} is not a field of ${table}; use one of ${allowed.join(', ')}` };
  }
  const has = (f: string) => kind === 'create' || f in fields;
  const checks: (FieldProblem | null)[] =
    table === 'tasks'
      ? [
          has('title') ? checkText('title', fields.title, { required: true, max: LIMITS.title, multiline: false }) : null,
          checkText('description', fields.description, { required: false, max: LIMITS.description, multiline: true }),
          // A create may leave status out (todo); an update may not set it to null.
          has('status') ? checkStatus(kind === 'create' ? (fields.status ?? 'todo') : fields.status) : null,
          checkText('stage', fields.stage, { required: false, max: LIMITS.stage, multiline: false }),
          checkOptionalId('projectId', fields.projectId),
          checkOptionalId('parentId', fields.parentId),
          checkTime('completedAt', fields.completedAt, true),
          checkTime('createdAt', fields.createdAt, false),
        ]
      : [
          has('name') ? checkText('name', fields.name, { required: true, max: LIMITS.projectName, multiline: false }) : null,
          checkText('description', fields.description, { required: false, max: LIMITS.description, multiline: true }),
          checkTime('createdAt', fields.createdAt, false),
        ];
  return checks.find((c) => c !== null) ?? null;
}
