/**
 * Resolving what a user typed into record ids: full UUIDs or unique prefixes
 * of at least 4 characters.
 */
import { and, gte, lt } from 'drizzle-orm';
import { UsageError } from '../errors.js';
import type { SyncTableSpec } from '../sync/registry.js';
import type { Replica } from './open.js';

export const MIN_PREFIX = 4;
const SHOWN_MATCHES = 5;

/**
 * The id of the one record of `spec` whose id starts with `input`
 * (case-insensitive). Throws UsageError naming `field` when the prefix is too
 * short, matches nothing, or matches several (listing them). Read-only.
 */
export function resolveId(replica: Replica, spec: SyncTableSpec, input: string, field = 'id'): string {
  const prefix = input.trim().toLowerCase();
  if (prefix.length < MIN_PREFIX) {
    throw new UsageError(`${field} "${input}" is too short; give at least ${MIN_PREFIX} characters of the ${spec.noun} id`);
  }
  // A range scan on the primary key instead of LIKE, so the index is used.
  const column = spec.table.id;
  const rows = replica.db
    .select({ id: column })
    .from(spec.table)
    .where(and(gte(column, prefix), lt(column, `${prefix}\uffff`)))
    .limit(SHOWN_MATCHES + 1)
    .all() as { id: string }[];
  if (rows.length === 0) {
    throw new UsageError(`${field}: no ${spec.noun} with id "${input}"; see convoy ${spec.name === 'tasks' ? 'list' : 'project list'} for ids`);
  }
  if (rows.length > 1) {
    const shown = rows.slice(0, SHOWN_MATCHES).map((r) => r.id);
    const more = rows.length > SHOWN_MATCHES ? ', …' : '';
    throw new UsageError(`${field} "${input}" is ambiguous: matches ${shown.join(', ')}${more}; type more characters`);
  }
  return rows[0]!.id;
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
