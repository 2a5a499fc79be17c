/**
 * Project repository: creating, listing and finding projects.
 */
import { asc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import { specFor } from '../sync/registry.js';
import { insertRecord, updateRecord } from './changes.js';
import { resolveId } from './lookup.js';
import type { Replica } from './open.js';
import { projects, type ProjectRow } from './schema.js';

const spec = specFor('projects');

export interface ProjectInput {
  name: string;
  description?: string;
}

/** Create a project and queue its create op, in one transaction. Throws UsageError on bad input. */
export function addProject(replica: Replica, input: ProjectInput, now: number): ProjectRow {
  const row: ProjectRow = {
    id: uuidv7(),
    name: input.name.trim(),
    description: input.description ?? '',
    createdAt: now,
    updatedAt: now,
    serverId: null,
    serverVersion: null,
    syncStatus: 'pending',
  };
  const problem = spec.validate({ name: row.name, description: row.description, createdAt: now }, 'create');
  if (problem) throw new UsageError(problem.message);
  return replica.write(() => {
    const clash = replica.db.select({ id: projects.id }).from(projects).where(eq(projects.name, row.name)).get();
    if (clash) throw new UsageError(`name: a project named "${row.name}" already exists (${clash.id}); choose another name`);
    insertRecord(replica, spec, row);
    return row;
  });
}

export function listProjects(replica: Replica): ProjectRow[] {
  return replica.db.select().from(projects).orderBy(asc(projects.name)).all();
}

/**
 * The id of the project named exactly `input`, or whose id starts with it.
 * Names are tried first. Throws UsageError naming `field` if there is none or
 * the name is ambiguous. Read-only.
 */
export function resolveProject(replica: Replica, input: string, field = 'project'): string {
  const byName = replica.db.select({ id: projects.id }).from(projects).where(eq(projects.name, input.trim())).limit(3).all();
  if (byName.length === 1) return byName[0]!.id;
  if (byName.length > 1) {
    throw new UsageError(`${field} "${input}" names ${byName.length} projects; give the project id instead (convoy project list)`);
  }
  try {
    return resolveId(replica, spec, input, field);
  } catch (error) {
    if (error instanceof UsageError && !/ambiguous/.test(error.message)) {
      throw new UsageError(`${field}: no project named or with id "${input}"; create it with convoy project add "${input}"`);
    }
    throw error;
  }
}

/** Rename or re-describe a project, queuing only the changed fields. Transactional. Returns whether anything changed. */
export function changeProject(replica: Replica, idOrName: string, input: Partial<ProjectInput>, now: number): boolean {
  return replica.write(() => {
    const id = resolveProject(replica, idOrName);
    const current = replica.db.select().from(projects).where(eq(projects.id, id)).get()!;
    const changes = { ...(input.name !== undefined ? { name: input.name.trim() } : {}), ...(input.description !== undefined ? { description: input.description } : {}) };
    const problem = spec.validate(changes, 'update');
    if (problem) throw new UsageError(problem.message);
    return Object.keys(updateRecord(replica, spec, current, changes, now)).length > 0;
  });
}
