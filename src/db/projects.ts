/**
 * Project repository: creating, listing and finding projects.
 */
import { asc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import { projects as projectsDecl } from '../schema/tables.js';
import { insertRecord, updateRecord } from './changes.js';
import { fieldsFromInput, newRow } from './inputs.js';
import { idsByTitle, resolveRecord } from './lookup.js';
import type { Replica, Store, WriteTx } from './open.js';
import { specFor } from './registry.js';
import { projects } from './schema.js';
import type { ProjectInput, ProjectView } from './views.js';

const spec = specFor(projectsDecl.name);

/**
 * Create a project and queue its create op, in the caller's transaction.
 * Throws UsageError on bad input or when the name is taken (ignoring case).
 */
export function createProject(tx: WriteTx, input: ProjectInput & { name: string }, now: number, id: string = uuidv7(), times: Partial<Record<string, number | null>> = {}): ProjectView {
  const row = { ...newRow(spec, id, fieldsFromInput(tx, spec, input, now), now, input.workspace), ...times };
  const problem = spec.validate(Object.fromEntries(spec.fields.map((f) => [f, row[f]!])), 'create');
  if (problem) throw new UsageError(problem.message);
  const project = row as unknown as ProjectView;
  // Names match ignoring case (--project website finds Website), so they must differ by more than case.
  const [clash] = idsByTitle(tx, spec, project.name, project.workspaceId);
  if (clash) {
    throw new UsageError(`name: a project named "${clash.title}" already exists (${clash.id}); use --project "${clash.title}" or choose another name`);
  }
  insertRecord(tx, spec, row);
  return project;
}

/** Create a project and queue its create op, in one transaction. Throws UsageError on bad input. */
export function addProject(replica: Replica, input: ProjectInput & { name: string }, now: number): ProjectView {
  return replica.write((tx) => createProject(tx, input, now));
}

export function listProjects(store: Store): ProjectView[] {
  return store.db.select().from(projects).orderBy(asc(projects.name)).all();
}

/**
 * The id of the project named `input` (exactly, else ignoring case), or with
 * that id, of `workspace` when given. Names are tried first. Throws
 * UsageError naming `field` if there is none or the name is ambiguous.
 * Read-only.
 */
export function resolveProject(store: Store, input: string, field = 'project', workspace?: string): string {
  return resolveRecord(store, spec, input, field, workspace);
}

/** Rename or re-describe a project, queuing only the changed fields. Transactional. Returns whether anything changed. */
export function changeProject(replica: Replica, idOrName: string, input: ProjectInput, now: number): boolean {
  return replica.write((tx) => {
    const id = resolveProject(tx, idOrName);
    const current = tx.db.select().from(projects).where(eq(projects.id, id)).get()!;
    const changes = fieldsFromInput(tx, spec, input, now);
    const problem = spec.validate(changes, 'update');
    if (problem) throw new UsageError(problem.message);
    return Object.keys(updateRecord(tx, spec, current, changes, now)).length > 0;
  });
}
