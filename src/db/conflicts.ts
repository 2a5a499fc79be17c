/**
 * The conflicts log: every field conflict the server reported, the policy
 * that settled it, and the manual ones waiting for `convoy resolve`.
 */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import type { FieldConflict, FieldValue } from '../schema/protocol.js';
import { specFor } from '../sync/registry.js';
import { enqueueOp } from './changes.js';
import type { Replica } from './open.js';
import { refreshSyncStatus } from './record-status.js';
import { conflicts, type ConflictRow } from './schema.js';

/** Log conflicts reported for one op. Not transactional by itself: call inside `replica.write()`. */
export function recordConflicts(replica: Replica, op: { tableName: string; recordId: string }, found: FieldConflict[], now: number): void {
  for (const c of found) {
    replica.db
      .insert(conflicts)
      .values({
        id: uuidv7(),
        tableName: op.tableName,
        recordId: op.recordId,
        field: c.field,
        localValue: JSON.stringify(c.local),
        remoteValue: JSON.stringify(c.remote),
        policy: c.policy,
        winner: c.winner,
        resolved: c.winner !== 'pending',
        createdAt: now,
        resolvedAt: c.winner === 'pending' ? null : now,
      })
      .run();
  }
}

/** Open conflicts (or all, newest last). Read-only. */
export function listConflicts(replica: Replica, options: { all?: boolean } = {}): ConflictRow[] {
  const query = replica.db.select().from(conflicts);
  return (options.all ? query : query.where(eq(conflicts.resolved, false))).orderBy(asc(conflicts.createdAt), asc(conflicts.id)).all();
}

function findOpenConflict(replica: Replica, idPrefix: string): ConflictRow {
  const prefix = idPrefix.trim().toLowerCase();
  if (prefix.length < 4) throw new UsageError(`conflict id "${idPrefix}" is too short; give at least 4 characters (see convoy conflicts)`);
  const found = replica.db
    .select()
    .from(conflicts)
    .where(and(gte(conflicts.id, prefix), lt(conflicts.id, `${prefix}\uffff`)))
    .limit(6)
    .all();
  if (found.length === 0) throw new UsageError(`conflict: no conflict with id "${idPrefix}"; see convoy conflicts`);
  if (found.length > 1) throw new UsageError(`conflict id "${idPrefix}" is ambiguous: matches ${found.map((c) => c.id).join(', ')}; type more characters`);
  const conflict = found[0]!;
  if (conflict.resolved) throw new UsageError(`conflict ${conflict.id} is already settled (${conflict.winner} kept); nothing to resolve`);
  return conflict;
}

/**
 * Settle a held (manual) conflict. `remote`: the local field takes the
 * server's value, nothing to push. `local`: the local value is re-queued as
 * an update based on the version that reported the conflict, so it wins on
 * the next push. Transactional. Returns the settled conflict.
 */
export function resolveConflict(replica: Replica, idPrefix: string, take: 'local' | 'remote', now: number): ConflictRow {
  return replica.write(() => {
    const conflict = findOpenConflict(replica, idPrefix);
    const spec = specFor(conflict.tableName);
    const value = JSON.parse((take === 'local' ? conflict.localValue : conflict.remoteValue) ?? 'null') as FieldValue;
    const row = replica.db.select().from(spec.table).where(eq(spec.table.id, conflict.recordId)).get() as Record<string, unknown>;
    replica.db
      .update(spec.table)
      .set({ [conflict.field]: value, updatedAt: now })
      .where(eq(spec.table.id, conflict.recordId))
      .run();
    if (take === 'local') {
      const fields = { [conflict.field]: value };
      enqueueOp(replica, { op: 'update', tableName: spec.name, recordId: conflict.recordId, fields, baseVersion: (row.serverVersion as number | null) ?? null, createdAt: now });
    }
    replica.db.update(conflicts).set({ resolved: true, winner: take, resolvedAt: now }).where(eq(conflicts.id, conflict.id)).run();
    refreshSyncStatus(replica, spec, conflict.recordId);
    return { ...conflict, resolved: true, winner: take, resolvedAt: now };
  });
}
