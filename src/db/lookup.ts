/**
 * Ids as people type and see them. A record's short id is the shortest
 * prefix (at least 6 hex digits) of its id's random tail (the last group of
 * the UUID) that no other record's tail starts with: unique in the whole
 * replica when printed, and short (6–7 digits) even for 100,000 records,
 * because the tail is random where the UUIDv7's head is a timestamp.
 * Lookups and short ids use the tail index: seeks, never a scan.
 */
import { and, asc, desc, eq, gte, lt, lte, ne, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { UsageError } from '../errors.js';
import { tasks } from '../schema/tables.js';
import type { Store } from './open.js';
import { specFor, type SyncTableSpec } from './registry.js';
import { compiled } from './statements.js';
import { recordWorkspace } from './changes.js';

export const MIN_PREFIX = 4;
/** Digits of the tail a short id has at least. */
export const MIN_SHORT = 6;
const SHOWN_MATCHES = 5;
/** Where the random tail starts in a hyphenated UUID. */
const TAIL_START = 24;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The command that lists a table's records with their ids. */
const listCommand = (spec: SyncTableSpec) => (spec.name === tasks.name ? 'list' : `${spec.noun} list`);

/** Hex digits `compact` (no hyphens) with the UUID's hyphens put back where they belong. */
function hyphenate(compact: string): string {
  return [compact.slice(0, 8), compact.slice(8, 12), compact.slice(12, 16), compact.slice(16, 20), compact.slice(20)].filter(Boolean).join('-');
}

function idsWithPrefix(store: Store, column: SQLiteColumn, idColumn: SQLiteColumn, spec: SyncTableSpec, prefix: string): string[] {
  const rows = store.db
    .select({ id: idColumn })
    .from(spec.table)
    .where(and(gte(column, prefix), lt(column, `${prefix}\uffff`)))
    .limit(SHOWN_MATCHES + 1)
    .all() as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * The records `input` may name: the full id (with or without hyphens), a
 * prefix of the id's random tail (the short id), else a prefix of the id.
 * At most SHOWN_MATCHES + 1. Read-only.
 */
function candidates(store: Store, spec: SyncTableSpec, input: string): string[] {
  const typed = input.trim().toLowerCase();
  const compact = typed.replace(/-/g, '');
  if (!/^[0-9a-f]+$/.test(compact)) return idsWithPrefix(store, spec.table.id, spec.table.id, spec, typed);
  if (compact.length === 32) return idsWithPrefix(store, spec.table.id, spec.table.id, spec, hyphenate(compact));
  if (compact.length <= 12 && !typed.includes('-')) {
    const byTail = idsWithPrefix(store, spec.table.idTail, spec.table.id, spec, compact);
    if (byTail.length > 0) return byTail;
  }
  return idsWithPrefix(store, spec.table.id, spec.table.id, spec, hyphenate(compact));
}

/**
 * The id of the one record of `spec` that `input` names (see `candidates`;
 * case-insensitive). Throws UsageError naming `field` when the input is too
 * short, matches nothing, or matches several (listing them). Read-only.
 */
export function resolveId(store: Store, spec: SyncTableSpec, input: string, field = 'id'): string {
  if (input.trim().replace(/-/g, '').length < MIN_PREFIX) {
    throw new UsageError(`${field} "${input}" is too short; give the short id convoy ${listCommand(spec)} prints, or the full id`);
  }
  const ids = candidates(store, spec, input);
  if (ids.length === 0) {
    throw new UsageError(`${field}: no ${spec.noun} with id "${input}"; see convoy ${listCommand(spec)} for ids`);
  }
  if (ids.length > 1) {
    const shown = ids.slice(0, SHOWN_MATCHES);
    const more = ids.length > SHOWN_MATCHES ? ', …' : '';
    throw new UsageError(`${field} "${input}" is ambiguous: matches ${shown.join(', ')}${more}; type more characters`);
  }
  return ids[0]!;
}

/** Whether records of `spec` are looked up by their title (it is indexed: projects by name). */
export function findsByTitle(spec: SyncTableSpec): boolean {
  return spec.decl.indexes.some((index) => index[0] === spec.titleField);
}

const titleColumn = (spec: SyncTableSpec) => (spec.table as unknown as Record<string, SQLiteColumn>)[spec.titleField]!;

/**
 * Records of `spec` whose title equals `title` ignoring case (exact matches
 * first), of `workspace` when given. Titles looked up this way are few
 * (project names). Read-only.
 */
export function idsByTitle(store: Store, spec: SyncTableSpec, title: string, workspace?: string): { id: string; title: string }[] {
  const column = titleColumn(spec);
  const inWorkspace = workspace === undefined ? undefined : eq(spec.table.workspaceId, workspace);
  const exact = store.db.select({ id: spec.table.id, title: column }).from(spec.table).where(and(eq(column, title), inWorkspace)).limit(3).all() as { id: string; title: string }[];
  if (exact.length > 0) return exact;
  return store.db
    .select({ id: spec.table.id, title: column })
    .from(spec.table)
    .where(and(sql`lower(${column}) = lower(${title})`, inWorkspace))
    .limit(3)
    .all() as { id: string; title: string }[];
}

/**
 * The id of the record `input` names: by title first where titles are
 * indexed (see `findsByTitle`; exact, else ignoring case), else (or then) by
 * id; of `workspace` when given (a reference never crosses workspaces).
 * Throws UsageError naming `field` when there is none or the input is
 * ambiguous. Read-only.
 */
export function resolveRecord(store: Store, spec: SyncTableSpec, input: string, field: string, workspace?: string): string {
  const id = resolveAnywhere(store, spec, input, field, workspace);
  if (workspace !== undefined && recordWorkspace(store, spec, id) !== workspace) {
    throw new UsageError(`${field} "${input}" is a ${spec.noun} of another workspace; a record can only name ${spec.name} of its own workspace`);
  }
  return id;
}

function resolveAnywhere(store: Store, spec: SyncTableSpec, input: string, field: string, workspace: string | undefined): string {
  if (!findsByTitle(spec)) return resolveId(store, spec, input, field);
  const byTitle = idsByTitle(store, spec, input.trim(), workspace);
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

const commonPrefix = (a: string, b: string | undefined) => {
  let i = 0;
  while (b !== undefined && i < a.length && a[i] === b[i]) i++;
  return i;
};

/**
 * The short id of each of `ids` (records of `spec`): the shortest prefix, at
 * least MIN_SHORT digits, of its tail that no other record's tail in the
 * replica starts with; the full id when no prefix is unique. Two index seeks
 * per id. Read-only.
 */
export function shortIds(store: Store, spec: SyncTableSpec, ids: readonly string[]): Map<string, string> {
  const t = spec.table;
  const neighbour = (before: boolean) =>
    compiled(store, `short:${spec.name}:${before ? 'prev' : 'next'}`, () =>
      store.db
        // Aliased: compiled statements key rows by the SQL column name.
        .select({ tail: sql<string>`${t.idTail}`.as('tail') })
        .from(t)
        .where(and(before ? lte(t.idTail, sql.placeholder('tail')) : gte(t.idTail, sql.placeholder('tail')), ne(t.id, sql.placeholder('id'))))
        .orderBy(before ? desc(t.idTail) : asc(t.idTail))
        .limit(1),
    );
  const prev = neighbour(true);
  const next = neighbour(false);
  const out = new Map<string, string>();
  for (const id of ids) {
    if (!UUID.test(id)) {
      out.set(id, id);
      continue;
    }
    const tail = id.slice(TAIL_START);
    const [before] = prev.all<{ tail: string }>({ tail, id });
    const [after] = next.all<{ tail: string }>({ tail, id });
    const need = Math.max(commonPrefix(tail, before?.tail), commonPrefix(tail, after?.tail)) + 1;
    out.set(id, need > tail.length ? id : tail.slice(0, Math.max(MIN_SHORT, need)));
  }
  return out;
}

/** The short id of one record (see `shortIds`). Read-only. */
export const shortId = (store: Store, spec: SyncTableSpec, id: string): string => shortIds(store, spec, [id]).get(id)!;

/** The title (or name) of record `id` of table `tableName`, or undefined when there is no such record. Read-only. */
export function recordTitle(store: Store, tableName: string, id: string): string | undefined {
  const spec = specFor(tableName);
  const row = store.db.select({ title: titleColumn(spec) }).from(spec.table).where(eq(spec.table.id, id)).get() as { title: string } | undefined;
  return row?.title;
}
