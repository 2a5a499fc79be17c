/**
 * Resolving what a user typed into record ids: full UUIDs or unique prefixes
 * of at least 4 characters, or, for tables whose title field is indexed
 * (projects: by name), the exact title.
 */
import { and, eq, gte, lt } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { UsageError } from '../errors.js';
import { tasks } from '../schema/tables.js';
import type { Store } from './open.js';
import { specFor, type SyncTableSpec } from './registry.js';

export const MIN_PREFIX = 4;
const SHOWN_MATCHES = 5;

/** The command that lists a table's records with their ids. */
const listCommand = (spec: SyncTableSpec) => (spec.name === tasks.name ? 'list' : `${spec.noun} list`);

/**
 * The id of the one record of `spec` whose id starts with `input`
 * (case-insensitive). Throws UsageError naming `field` when the prefix is too
 * short, matches nothing, or matches several (listing them). Read-only.
 */
export function resolveId(store: Store, spec: SyncTableSpec, input: string, field = 'id'): string {
  const prefix = input.trim().toLowerCase();
  if (prefix.length < MIN_PREFIX) {
    throw new UsageError(`${field} "${input}" is too short; give at least ${MIN_PREFIX} characters of the ${spec.noun} id`);
  }
  // A range scan on the primary key instead of LIKE, so the index is used.
  const column = spec.table.id;
  const rows = store.db
    .select({ id: column })
    .from(spec.table)
    .where(and(gte(column, prefix), lt(column, `${prefix}\uffff`)))
    .limit(SHOWN_MATCHES + 1)
    .all() as { id: string }[];
  if (rows.length === 0) {
    throw new UsageError(`${field}: no ${spec.noun} with id "${input}"; see convoy ${listCommand(spec)} for ids`);
  }
  if (rows.length > 1) {
    const shown = rows.slice(0, SHOWN_MATCHES).map((r) => r.id);
    const more = rows.length > SHOWN_MATCHES ? ', …' : '';
    throw new UsageError(`${field} "${input}" is ambiguous: matches ${shown.join(', ')}${more}; type more characters`);
  }
  return rows[0]!.id;
}

/** Whether records of `spec` are looked up by their title (it is indexed: projects by name). */
export function findsByTitle(spec: SyncTableSpec): boolean {
  return spec.decl.indexes.some((index) => index[0] === spec.titleField);
}

/**
 * The id of the record `input` names: by exact title first where titles are
 * indexed (see `findsByTitle`), else (or then) by id prefix. Throws
 * UsageError naming `field` when there is none or the input is ambiguous.
 * Read-only.
 */
export function resolveRecord(store: Store, spec: SyncTableSpec, input: string, field: string): string {
  if (!findsByTitle(spec)) return resolveId(store, spec, input, field);
  const title = (spec.table as unknown as Record<string, SQLiteColumn>)[spec.titleField]!;
  const byTitle = store.db.select({ id: spec.table.id }).from(spec.table).where(eq(title, input.trim())).limit(3).all() as { id: string }[];
  if (byTitle.length === 1) return byTitle[0]!.id;
  if (byTitle.length > 1) {
    throw new UsageError(`${field} "${input}" names ${byTitle.length} ${spec.name}; give the ${spec.noun} id instead (convoy ${listCommand(spec)})`);
  }
  try {
    return resolveId(store, spec, input, field);
  } catch (error) {
    if (error instanceof UsageError && !/ambiguous/.test(error.message)) {
      throw new UsageError(`${field}: no ${spec.noun} named or with id "${input}"; create it with convoy ${spec.noun} add "${input}"`);
    }
    throw error;
  }
}

/**
 * For display: the shortest prefix (at least 8 characters) that tells each id
 * apart from its neighbours. Ids must be given sorted. Pure.
 */
export function shortIds(sortedIds: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const common = (a = '', b = '') => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return i;
  };
  sortedIds.forEach((id, i) => {
    const need = Math.max(common(id, sortedIds[i - 1]), common(id, sortedIds[i + 1])) + 1;
    out.set(id, id.slice(0, Math.max(8, need)));
  });
  return out;
}

/** The title (or name) of record `id` of table `tableName`, or undefined when there is no such record. Read-only. */
export function recordTitle(store: Store, tableName: string, id: string): string | undefined {
  const spec = specFor(tableName);
  const title = (spec.table as unknown as Record<string, SQLiteColumn>)[spec.titleField]!;
  const row = store.db.select({ title }).from(spec.table).where(eq(spec.table.id, id)).get() as { title: string } | undefined;
  return row?.title;
}
