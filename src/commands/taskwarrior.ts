/**
 * `convoy import --from taskwarrior`: `task export` JSON turned into convoy
 * import lines. Pure. Attributes named like a convoy task field (due,
 * priority, tags: the declaration says which) become that field, dates
 * converted; annotations become notes. Those convoy has no field for are
 * kept at the end of the description, one per line, so nothing is lost.
 */
import { inputNames, setFields } from '../output/fields.js';
import { isUuid } from '../schema/rules.js';
import { tasks } from '../schema/tables.js';

const STATUSES: Record<string, string> = { pending: 'todo', waiting: 'todo', recurring: 'todo', completed: 'done', deleted: 'canceled' };
/** Attributes Taskwarrior computes or uses internally: not worth keeping. */
const INTERNAL = new Set(['id', 'urgency', 'mask', 'imask', 'parent', 'uuid', 'status', 'description', 'project', 'entry', 'modified', 'end']);

/** "20240102T030405Z" (Taskwarrior's date format) or ISO-8601 as ISO-8601; undefined when it is neither. */
export function twDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = new Date(m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Taskwarrior attributes that are convoy task inputs or sets by the same name (e.g. due, priority, tags). */
const SHARED = new Set([...inputNames(tasks), ...setFields(tasks).map((s) => s.field)]);

/** A shared attribute's value for the import line: Taskwarrior dates as ISO-8601, the rest as they are. */
const sharedValue = (value: unknown) => (typeof value === 'string' && /^\d{8}T\d{6}Z$/.test(value) ? twDate(value) : value);

/** Annotations as notes ({text, createdAt}), or undefined when there are none. */
function notesOf(value: unknown): { text: string; createdAt?: string }[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((a: { entry?: unknown; description?: unknown }) => {
    const createdAt = twDate(a.entry);
    return createdAt ? { text: String(a.description ?? ''), createdAt } : { text: String(a.description ?? '') };
  });
}

function extraLine(key: string, value: unknown): string {
  const date = typeof value === 'string' && /^\d{8}T\d{6}Z$/.test(value) ? twDate(value) : undefined;
  return `${key}: ${date ?? (typeof value === 'string' ? value : JSON.stringify(value))}`;
}

/** The import line of one Taskwarrior task, or an error message. */
function taskLine(task: Record<string, unknown>): Record<string, unknown> | string {
  const { description, status, uuid, project } = task;
  if (typeof description !== 'string') return 'description (the title) is missing';
  const mapped = STATUSES[String(status ?? 'pending')];
  if (!mapped) return `status "${String(status)}" is not pending, waiting, recurring, completed or deleted`;
  const extras = Object.keys(task)
    .filter((key) => !INTERNAL.has(key) && !SHARED.has(key) && key !== 'annotations')
    .sort()
    .map((key) => extraLine(key, task[key]));
  const line: Record<string, unknown> = { op: 'create', title: description, status: mapped };
  for (const key of Object.keys(task).filter((k) => SHARED.has(k) && !INTERNAL.has(k))) line[key] = sharedValue(task[key]);
  const notes = notesOf(task.annotations);
  if (notes) line.notes = notes;
  if (typeof uuid === 'string' && isUuid(uuid.toLowerCase())) line.id = uuid.toLowerCase();
  if (typeof project === 'string' && project) line.project = project;
  if (extras.length) line.description = extras.join('\n');
  const created = twDate(task.entry);
  if (created) line.createdAt = created;
  const modified = twDate(task.modified);
  if (modified) line.updatedAt = modified;
  const ended = twDate(task.end);
  if (ended && mapped === 'done') line.completedAt = ended;
  return line;
}

/**
 * The convoy import lines for `text`, a `task export` (one JSON array, or
 * one task per line as older versions wrote): a project line for each
 * project, then a create per task. Errors name the task's position.
 */
export function taskwarriorLines(text: string): { lines: Record<string, unknown>[]; errors: string[] } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  let items: unknown[];
  try {
    items = trimmed === '' ? [] : trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]) : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l.replace(/,\s*$/, '')) as unknown);
  } catch (error) {
    return { lines: [], errors: [`not the JSON of task export (${(error as Error).message})`] };
  }
  const errors: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const projects = new Map<string, string>();
  items.forEach((item, index) => {
    const result = typeof item === 'object' && item !== null && !Array.isArray(item) ? taskLine(item as Record<string, unknown>) : 'not a task object';
    if (typeof result === 'string') errors.push(`task ${index + 1}: ${result}`);
    else {
      // The first spelling names the project; later ones in another case join it.
      const key = typeof result.project === 'string' ? result.project.toLowerCase() : undefined;
      if (key !== undefined && !projects.has(key)) projects.set(key, result.project as string);
      lines.push(result);
    }
  });
  return { lines: [...[...projects.values()].map((name) => ({ op: 'project', name })), ...lines], errors };
}
