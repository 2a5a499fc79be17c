/**
 * Whether a task is blocked: it waits for (its self-referencing set, a
 * task's blockedBy: sets.ts) at least one task that is neither done nor
 * canceled. Only the direct members count, so a cycle merged in from two
 * replicas cannot make this loop; a member not in the replica (not pulled
 * yet) does not block.
 */
import { and, inArray, notInArray } from 'drizzle-orm';
import { tasks as tasksDecl, type TaskStatus } from '../schema/tables.js';
import type { Store } from './open.js';
import { tasks } from './schema.js';
import { selfSetOf } from './sets.js';
import type { TaskView } from './views.js';

/** Statuses in which a task no longer blocks the tasks waiting for it. */
export const FINISHED: readonly TaskStatus[] = ['done', 'canceled'];
const CHUNK = 500;

/** Ids among `ids` of tasks in the replica that are not finished. Read-only. */
export function unfinished(store: Store, ids: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = store.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(inArray(tasks.id, ids.slice(i, i + CHUNK) as string[]), notInArray(tasks.status, [...FINISHED])))
      .all();
    for (const row of rows) out.add(row.id);
  }
  return out;
}

/** Set `blocked` on each task (whose sets `attachSets` filled). Read-only; returns `rows`. */
export function attachBlocked<T extends TaskView>(store: Store, rows: T[]): T[] {
  const self = selfSetOf(tasksDecl.name);
  const membersOf = (row: T) => ((row as Record<string, unknown>)[self?.set.field ?? ''] as string[] | undefined) ?? [];
  const open = unfinished(store, [...new Set(rows.flatMap(membersOf))]);
  for (const row of rows) row.blocked = membersOf(row).some((id) => open.has(id));
  return rows;
}
