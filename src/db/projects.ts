/**
 * Project repository: creating, listing and finding projects.
 */
import { asc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import { projects as projectsDecl } from '../schema/tables.js';
import { insertRecord, updateRecord } from './changes.js';
import { fieldsFromInput, newRow } from './inputs.js';
import { resolveRecord } from './lookup.js';
import type { Replica, Store } from './open.js';
import { specFor } from './registry.js';
import { projects } from './schema.js';
import type { ProjectInput, ProjectView } from './views.js';

const spec = specFor(projectsDecl.name);

/** Create a project and queue its create op, in one transaction. Throws UsageError on bad input. */
export function addProject(replica: Replica, input: ProjectInput & { name: string }, now: number): ProjectView {
  const row = newRow(spec, uuidv7(), fieldsFromInput(replica, spec, input), now);
  const problem = spec.validate(Object.fromEntries(spec.fields.map((f) => [f, row[f]!])), 'create');
  if (problem) throw new UsageError(problem.message);
  const project = row as unknown as ProjectView;
  return replica.write((tx) => {
    const clash = tx.db.select({ id: projects.id }).from(projects).where(eq(projects.name, project.name)).get();
    if (clash) throw new UsageError(`name: a project named "${project.name}" already exists (${clash.id}); choose another name`);
    insertRecord(tx, spec, row);
    return project;
  });
}

export function listProjects(store: Store): ProjectView[] {
  return store.db.select().from(projects).orderBy(asc(projects.name)).all();
}

/**
 * The id of the project named exactly `input`, or whose id starts with it.
 * Names are tried first. Throws UsageError naming `field` if there is none or
 * the name is ambiguous. Read-only.
 */
export function resolveProject(store: Store, input: string, field = 'project'): string {
  return resolveRecord(store, spec, input, field);
}

/** Rename or re-describe a project, queuing only the changed fields. Transactional. Returns whether anything changed. */
export function changeProject(replica: Replica, idOrName: string, input: ProjectInput, now: number): boolean {
  return replica.write((tx) => {
    const id = resolveProject(tx, idOrName);
    const current = tx.db.select().from(projects).where(eq(projects.id, id)).get()!;
    const changes = fieldsFromInput(tx, spec, input);
    const problem = spec.validate(changes, 'update');
    if (problem) throw new UsageError(problem.message);
    return Object.keys(updateRecord(tx, spec, current, changes, now)).length > 0;
  });
}
