/**
 * Cycles that only merging can make: each replica refuses a local edit that
 * would close one (a parent, a blocked-by), yet two replicas' offline edits
 * can close one together. Nothing loops over them (every walk here keeps a
 * visited set, and `blocked` reads direct members only); `show` and
 * `status` report them as warnings so a person can break them.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { tasks as tasksDecl } from '../schema/tables.js';
import type { Store } from './open.js';
import { specFor } from './registry.js';
import { tasks } from './schema.js';
import { selfSetOf } from './sets.js';

export interface TaskCycle {
  /** The kind of link: a ref field of the task's own table (parent) or its self-referencing set (blocked by). */
  kind: string;
  /** Full task ids around the cycle, starting at the task asked about (or the smallest id), back to it. */
  ids: string[];
}

const spec = specFor(tasksDecl.name);
/** Ref fields of tasks to tasks (a task's parent), as [field, column]. */
const SELF_REFS = spec.fields.flatMap((name) => {
  const type = spec.decl.fields[name]!.type;
  return type.kind === 'ref' && type.table === spec.name ? [[name, (tasks as unknown as Record<string, SQLiteColumn>)[name]!] as const] : [];
});
const CHUNK = 500;
/** A cycle longer than this is not reported (nor walked further). */
const MAX_DEPTH = 10_000;

/** The ids `from` links to, for a batch: parent (one), or the present members of the self set. */
type Links = (ids: string[]) => Map<string, string[]>;

function refLinks(store: Store, column: SQLiteColumn): Links {
  return (ids) => {
    const out = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = store.db.select({ id: tasks.id, to: column }).from(tasks).where(inArray(tasks.id, ids.slice(i, i + CHUNK))).all() as { id: string; to: string | null }[];
      for (const row of rows) if (row.to !== null) out.set(row.id, [row.to]);
    }
    return out;
  };
}

function setLinks(store: Store): Links | undefined {
  const self = selfSetOf(spec.name);
  if (!self) return undefined;
  return (ids) => {
    const out = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = store.db
        .select({ id: self.owner, to: self.value })
        .from(self.spec.table)
        .where(and(inArray(self.owner, ids.slice(i, i + CHUNK)), eq(self.state, 'present')))
        .all() as { id: string; to: string }[];
      for (const row of rows) out.set(row.id, [...(out.get(row.id) ?? []), row.to]);
    }
    return out;
  };
}

/** A shortest path of links from `start` back to `start`, breadth first (each task visited once), or null. */
function cycleFrom(start: string, links: Links): string[] | null {
  const previous = new Map<string, string>();
  let frontier = [start];
  for (let depth = 0; frontier.length > 0 && depth < MAX_DEPTH; depth++) {
    const next: string[] = [];
    for (const [from, targets] of links(frontier)) {
      for (const to of targets) {
        if (to === start) {
          const path = [start];
          for (let at: string | undefined = from; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
          return [...path, start];
        }
        if (previous.has(to)) continue;
        previous.set(to, from);
        next.push(to);
      }
    }
    frontier = next;
  }
  return null;
}

function kinds(store: Store): [string, Links][] {
  const sets = setLinks(store);
  const self = selfSetOf(spec.name);
  return [...SELF_REFS.map(([name, column]): [string, Links] => [name.replace(/Id$/, ''), refLinks(store, column)]), ...(sets && self ? [[self.set.field, sets] as [string, Links]] : [])];
}

/** The cycles task `id` is on, one per kind of link. Read-only; terminates on any graph. */
export function cyclesThrough(store: Store, id: string): TaskCycle[] {
  return kinds(store).flatMap(([kind, links]) => {
    const ids = cycleFrom(id, links);
    return ids === null ? [] : [{ kind, ids }];
  });
}

/**
 * Every blocked-by cycle in the replica (each once, from its smallest id).
 * Reads the member table's present links (a small table), not the tasks.
 * Read-only.
 */
export function setCycles(store: Store): TaskCycle[] {
  const self = selfSetOf(spec.name);
  const links = setLinks(store);
  if (!self || !links) return [];
  const owners = store.db.selectDistinct({ id: self.owner }).from(self.spec.table).where(eq(self.state, 'present')).all() as { id: string }[];
  const seen = new Set<string>();
  const out: TaskCycle[] = [];
  for (const { id } of owners.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (seen.has(id)) continue;
    const ids = cycleFrom(id, links);
    if (ids === null) continue;
    ids.forEach((x) => seen.add(x));
    out.push({ kind: self.set.field, ids });
  }
  return out;
}
