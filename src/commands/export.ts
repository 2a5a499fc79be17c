import type { Context } from '../context.js';
import { listProjects } from '../db/projects.js';
import { notesOf } from '../db/notes.js';
import { setsOf } from '../db/sets.js';
import { listTasks } from '../db/tasks.js';
import type { ProjectView, TaskView } from '../db/views.js';
import { UsageError } from '../errors.js';
import { iso } from '../output/format.js';
import { projects as projectsDecl, TASK_STATUSES, tasks as tasksDecl } from '../schema/tables.js';
import { selectedWorkspace } from './workspace-scope.js';

export interface ExportOptions {
  all?: boolean;
  format?: string;
  /** --workspace: the workspace exported, a name or id (default: the current one). */
  workspace?: string;
}

type Line = Record<string, unknown>;

/** A create line for a record: its id, each field under its input name (refs as given), times as ISO. From the declaration. */
function createLine(decl: typeof tasksDecl | typeof projectsDecl, record: object, ref: (table: string, id: string) => string | undefined, op = 'create'): Line {
  const values = record as Record<string, unknown>;
  const line: Line = { op, id: values.id };
  for (const name of decl.fieldNames) {
    const field = decl.fields[name as keyof typeof decl.fields] as (typeof decl.fields)[keyof typeof decl.fields];
    const value = values[name] ?? null;
    if (field.type.kind === 'time') line[name] = iso(value as number | null);
    else if (field.input === null) continue;
    else if (field.type.kind === 'ref') {
      const named = value === null ? undefined : ref(field.type.table, value as string);
      if (named !== undefined) line[field.input] = named;
    } else line[field.input] = value;
  }
  line.updatedAt = iso(values.updatedAt as number);
  return line;
}

/** The task field that references another task (its parent), from the declaration. */
const parentField = tasksDecl.fieldNames.find((n) => {
  const type = tasksDecl.fields[n].type;
  return type.kind === 'ref' && type.table === tasksDecl.name;
})!;

/** Tasks with every parent before its children (so an import can resolve them). */
function parentsFirst(found: TaskView[]): TaskView[] {
  const byId = new Map(found.map((t) => [t.id, t]));
  const parentOf = (task: TaskView) => (task as unknown as Record<string, string | null>)[parentField] ?? null;
  const out: TaskView[] = [];
  const seen = new Set<string>();
  const visit = (task: TaskView) => {
    if (seen.has(task.id)) return;
    seen.add(task.id);
    const up = parentOf(task);
    const parent = up === null ? undefined : byId.get(up);
    if (parent) visit(parent);
    out.push(task);
  };
  for (const task of [...found].reverse()) visit(task);
  return out;
}

/**
 * A task's sets (tags) and notes for its create line, and an update line for
 * the sets whose members are tasks (blocked by: only exported ones), which
 * an import can resolve only once every task exists.
 */
function setsAndNotes(replica: ReturnType<Context['replica']>, task: TaskView, exported: Set<string>): { line: Line; after: Line[] } {
  const values = task as unknown as Record<string, string[] | undefined>;
  const line: Line = {};
  const update: Line = {};
  for (const s of setsOf(tasksDecl.name)) {
    const members = values[s.set.field] ?? [];
    if (s.member.type.kind !== 'ref') line[s.set.field] = members;
    else if (members.some((id) => exported.has(id))) update[s.set.field] = members.filter((id) => exported.has(id));
  }
  const notes = notesOf(replica, task.id);
  if (notes.length) line.notes = notes.map((n) => ({ text: n.text, createdAt: iso(n.createdAt) }));
  return { line, after: Object.keys(update).length ? [{ op: 'update', id: task.id, ...update }] : [] };
}

/**
 * `convoy export`: projects, then tasks (open ones unless --all; parents
 * first), as the lines `convoy import` reads: JSON lines, or one JSON array.
 */
export async function exportCommand(options: ExportOptions, ctx: Context): Promise<void> {
  const format = options.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'json') throw new UsageError(`--format "${format}" is not jsonl or json`);
  const replica = ctx.replica();
  const workspace = selectedWorkspace(ctx, options.workspace).id;
  const projectList: ProjectView[] = listProjects(replica).filter((p) => p.workspaceId === workspace);
  const names = new Map(projectList.map((p) => [p.id, p.name]));
  const statuses = options.all ? undefined : TASK_STATUSES.filter((s) => s !== 'done' && s !== 'canceled');
  const found = parentsFirst(listTasks(replica, { statuses, workspace }));
  const exported = new Set(found.map((t) => t.id));
  // A parent left out of the export (done, without --all) is left out of its children's lines too.
  const ref = (table: string, id: string) => (table === projectsDecl.name ? (names.get(id) ?? id) : exported.has(id) ? id : undefined);
  const extras = found.map((t) => setsAndNotes(replica, t, exported));
  const taskLines = found.map((t, i) => ({ ...createLine(tasksDecl, t, ref), ...extras[i]!.line }));
  // Members that reference tasks (blocked by) follow as updates, once every task exists.
  const later = extras.flatMap((e) => e.after);
  const lines = [...projectList.map((p) => createLine(projectsDecl, p, ref, 'project')), ...taskLines, ...later];
  // --format json puts the reporter in JSON mode (one document: the array); jsonl is one line per record.
  ctx.reporter.result(lines, () => lines.map((l) => JSON.stringify(l)).join('\n'));
}
