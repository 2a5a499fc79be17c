/**
 * Reference cycles through a table's self-referencing ref fields (a task's
 * parent; later a blocked-by set). The CLI refuses a local edit that would
 * close one (inputs.ts assertNoCycles), but two offline edits merged by a
 * pull can: replica A sets A.parent = B while replica B sets B.parent = A.
 * Pull-apply notes the records of such cycles in `meta`; status and show
 * read them back, re-checked, as warnings. Every walk here is bounded (it
 * stops at a record seen before), so no reader loops on a cycle.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { SyncTableSpec } from './registry.js';
import type { Store, WriteTx } from './open.js';
import { meta } from './schema.js';

/** Records whose `field` references lead back to themselves: ids in walk order, starting from the smallest. */
export interface RefCycle {
  table: string;
  field: string;
  ids: string[];
}

/** The fields of `spec` that reference records of its own table, from the declaration. */
export function selfRefFields(spec: SyncTableSpec): string[] {
  return spec.fields.filter((name) => {
    const type = spec.decl.fields[name]!.type;
    return type.kind === 'ref' && type.table === spec.name;
  });
}

const columnOf = (spec: SyncTableSpec, field: string): SQLiteColumn => (spec.table as unknown as Record<string, SQLiteColumn>)[field]!;

function targetOf(store: Store, spec: SyncTableSpec, field: string, id: string): string | null {
  const column = columnOf(spec, field);
  const row = store.db
    .select({ target: column })
    .from(spec.table)
    .where(eq(spec.table.id, id))
    .get() as { target: string | null } | undefined;
  return row?.target ?? null;
}

/**
 * The cycle `id` is part of through `field`, or null (its chain ends, or
 * leads into a cycle `id` is not part of). Read-only; at most one lookup per
 * record of the chain.
 */
export function cycleThrough(store: Store, spec: SyncTableSpec, field: string, id: string): RefCycle | null {
  const path: string[] = [];
  const seen = new Set<string>();
  let at: string | null = id;
  while (at !== null && !seen.has(at)) {
    seen.add(at);
    path.push(at);
    at = targetOf(store, spec, field, at);
  }
  if (at !== id) return null;
  const start = path.indexOf([...path].sort()[0]!);
  return { table: spec.name, field, ids: [...path.slice(start), ...path.slice(0, start)] };
}

const metaKey = (spec: SyncTableSpec, field: string): string => `cycles.${spec.name}.${field}`;

function storedMembers(store: Store, key: string): string[] {
  const value = store.db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value;
  return value ? (JSON.parse(value) as string[]) : [];
}

/** The distinct cycles through the records `ids` (each cycle once). */
function cyclesAmong(store: Store, spec: SyncTableSpec, field: string, ids: Iterable<string>): RefCycle[] {
  const found = new Map<string, RefCycle>();
  for (const id of ids) {
    const cycle = cycleThrough(store, spec, field, id);
    if (cycle !== null) found.set(cycle.ids[0]!, cycle);
  }
  return [...found.values()];
}

/**
 * After pulled records `touched` of `spec` were applied (in the same
 * transaction): re-check the records noted before and the touched ones with
 * a self reference, and note the members of every cycle found (or forget
 * the note when none is left). Idempotent.
 */
export function noteCycles(tx: WriteTx, spec: SyncTableSpec, touched: readonly string[], now: number): void {
  for (const field of selfRefFields(spec)) {
    const key = metaKey(spec, field);
    const noted = storedMembers(tx, key);
    const column = columnOf(spec, field);
    const referencing = touched.length === 0 ? [] : tx.db
      .select({ id: spec.table.id })
      .from(spec.table)
      .where(sql`${inArray(spec.table.id, [...touched])} AND ${column} IS NOT NULL`)
      .all()
      .map((r) => r.id as string);
    if (noted.length === 0 && referencing.length === 0) continue;
    const members = cyclesAmong(tx, spec, field, new Set([...noted, ...referencing])).flatMap((c) => c.ids);
    if (members.length === 0) tx.db.delete(meta).where(eq(meta.key, key)).run();
    else {
      const value = JSON.stringify(members.sort());
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
  return specs.flatMap((spec) => selfRefFields(spec).flatMap((field) => cyclesAmong(store, spec, field, storedMembers(store, metaKey(spec, field)))));
}
