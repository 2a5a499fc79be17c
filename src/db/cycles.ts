/**
 * Reference cycles through a table's links to its own records, all derived
 * from the declarations: its self-referencing ref fields (a task's parent)
 * and its sets whose members reference the owner's table (a task's
 * blocked-by). The CLI refuses a local edit that would close one
 * (inputs.ts assertNoCycles, sets.ts wouldCycle), but two offline edits
 * merged by a pull can: replica A sets A.parent = B while replica B sets
 * B.parent = A. Pull-apply notes the records of such cycles in `meta`;
 * status reads them back (re-checked), show checks its record. Every walk
 * here keeps a visited set, so nothing loops on a cycle.
 */
import { eq, inArray } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { specFor, type SyncTableSpec } from './registry.js';
import type { Store, WriteTx } from './open.js';
import { meta } from './schema.js';
import { flagOf, readMembers, selfSetsOf, setsOf, type SetSpec } from './sets.js';

/** Records whose `field` links lead back to themselves: ids in walk order (each links to the next), starting from the smallest. */
export interface RefCycle {
  table: string;
  field: string;
  ids: string[];
}

/** One kind of link from records of a table to records of the same table. */
interface Link {
  /** The field's name: the ref field, or the set's JSON key. */
  field: string;
  /** The ids each of `ids` links to (absent: none). Read-only. */
  targets: (store: Store, ids: readonly string[]) => Map<string, string[]>;
}

/** Ids per `IN (…)` list: well under SQLite's parameter limit. */
const CHUNK = 500;

/** The ref fields of `spec` that reference records of its own table, from the declaration. */
export function selfRefFields(spec: SyncTableSpec): string[] {
  return spec.fields.filter((name) => {
    const type = spec.decl.fields[name]!.type;
    return type.kind === 'ref' && type.table === spec.name;
  });
}

function refLink(spec: SyncTableSpec, field: string): Link {
  const column = (spec.table as unknown as Record<string, SQLiteColumn>)[field]!;
  return {
    field,
    targets: (store, ids) => {
      const out = new Map<string, string[]>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = store.db.select({ id: spec.table.id, to: column }).from(spec.table).where(inArray(spec.table.id, ids.slice(i, i + CHUNK) as string[])).all() as { id: string; to: string | null }[];
        for (const row of rows) if (row.to !== null) out.set(row.id, [row.to]);
      }
      return out;
    },
  };
}

const setLink = (s: SetSpec): Link => ({ field: s.set.field, targets: (store, ids) => readMembers(store, s, ids) });

/** Every kind of link of `spec` to its own records, in declaration order (ref fields, then sets). */
function linksOf(spec: SyncTableSpec): Link[] {
  return [...selfRefFields(spec).map((field) => refLink(spec, field)), ...selfSetsOf(spec.name).map(setLink)];
}

/**
 * A shortest cycle from `id` back to itself through `link`, breadth first
 * (each record visited once), or null (no path leads back to `id`, though
 * one may lead into a cycle `id` is not part of). Read-only.
 */
function cycleFrom(store: Store, spec: SyncTableSpec, link: Link, id: string): RefCycle | null {
  const previous = new Map<string, string>();
  let frontier = [id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const [from, targets] of link.targets(store, frontier)) {
      for (const to of targets) {
        if (to === id) {
          const path: string[] = [];
          for (let at: string | undefined = from; at !== undefined; at = previous.get(at)) path.unshift(at);
          const start = path.indexOf([...path].sort()[0]!);
          return { table: spec.name, field: link.field, ids: [...path.slice(start), ...path.slice(0, start)] };
        }
        if (!previous.has(to)) {
          previous.set(to, from);
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return null;
}

function linkOf(spec: SyncTableSpec, field: string): Link {
  const link = linksOf(spec).find((l) => l.field === field);
  if (!link) throw new Error(`${spec.name}.${field} does not link ${spec.name} to itself`);
  return link;
}

/** The cycle record `id` of `spec` is part of through `field` (a ref field or a set), or null. Read-only. */
export function cycleThrough(store: Store, spec: SyncTableSpec, field: string, id: string): RefCycle | null {
  return cycleFrom(store, spec, linkOf(spec, field), id);
}

/** The cycles record `id` of `spec` is part of, one per kind of link at most. Read-only; terminates on any graph. */
export function cyclesThrough(store: Store, spec: SyncTableSpec, id: string): RefCycle[] {
  return linksOf(spec).flatMap((link) => cycleFrom(store, spec, link, id) ?? []);
}

const metaKey = (table: string, field: string): string => `cycles.${table}.${field}`;

function storedMembers(store: Store, key: string): string[] {
  const value = store.db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value;
  return value ? (JSON.parse(value) as string[]) : [];
}

/** The distinct cycles through the records `ids` (each cycle once). */
function cyclesAmong(store: Store, spec: SyncTableSpec, link: Link, ids: Iterable<string>): RefCycle[] {
  const found = new Map<string, RefCycle>();
  const covered = new Set<string>();
  for (const id of ids) {
    if (covered.has(id)) continue;
    const cycle = cycleFrom(store, spec, link, id);
    if (cycle === null) continue;
    cycle.ids.forEach((x) => covered.add(x));
    found.set(cycle.ids.join(' '), cycle);
  }
  return [...found.values()];
}

/** The owner records a pull touched through `spec`: its own records for its links, or the owners of touched member records of a self set. */
function touchedOwners(tx: WriteTx, spec: SyncTableSpec, touched: readonly string[]): { owner: SyncTableSpec; link: Link; ids: string[] }[] {
  const own = linksOf(spec).map((link) => ({ owner: spec, link, ids: [...touched] }));
  const set = spec.decl.set;
  if (!set) return own;
  const s = selfSetsOf(set.owner).find((x) => x.spec.name === spec.name);
  if (!s) return own;
  const ids = new Set<string>();
  for (let i = 0; i < touched.length; i += CHUNK) {
    const rows = tx.db.select({ owner: s.owner }).from(spec.table).where(inArray(spec.table.id, touched.slice(i, i + CHUNK) as string[])).all() as { owner: string }[];
    for (const row of rows) ids.add(row.owner);
  }
  return [...own, { owner: specFor(set.owner), link: setLink(s), ids: [...ids] }];
}

/**
 * After pulled records `touched` of `spec` were applied (in the same
 * transaction): re-check the records noted before and the touched ones (or
 * the owners of touched set members), and note the members of every cycle
 * found (or forget the note when none is left). Idempotent.
 */
export function noteCycles(tx: WriteTx, spec: SyncTableSpec, touched: readonly string[], now: number): void {
  for (const { owner, link, ids } of touchedOwners(tx, spec, touched)) {
    const key = metaKey(owner.name, link.field);
    const noted = storedMembers(tx, key);
    if (noted.length === 0 && ids.length === 0) continue;
    const members = cyclesAmong(tx, owner, link, new Set([...noted, ...ids])).flatMap((c) => c.ids);
    if (members.length === 0) tx.db.delete(meta).where(eq(meta.key, key)).run();
    else {
      const value = JSON.stringify([...new Set(members)].sort());
      tx.db.insert(meta).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: meta.key, set: { value, updatedAt: now } }).run();
    }
  }
}

/**
 * The cycles noted by pulls that still hold (a later edit may have broken
 * one), over every table given. Read-only; cost grows with the cycles'
 * sizes, not the replica's.
 */
export function readCycles(store: Store, specs: readonly SyncTableSpec[]): RefCycle[] {
  return specs.flatMap((spec) => linksOf(spec).flatMap((link) => cyclesAmong(store, spec, link, storedMembers(store, metaKey(spec.name, link.field)))));
}

/** How a person names a cycle's link and breaks it: e.g. `parent` / `--parent ""`, or `blocked-by` / `--unblock <id>` (the next record's). */
export function cycleInput(cycle: RefCycle): { name: string; flag: string; clears: boolean } {
  const spec = specFor(cycle.table);
  const field = spec.decl.fields[cycle.field];
  if (field) return { name: field.input ?? cycle.field, flag: field.input ?? cycle.field, clears: true };
  const s = setsOf(cycle.table).find((x) => x.set.field === cycle.field)!;
  return { name: flagOf(s.set.add), flag: flagOf(s.set.remove), clears: false };
}
