/**
 * The conflicts log: every field conflict the server reported, the policy
 * that settled it, and the manual ones waiting for `convoy resolve`.
 */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import type { FieldConflict, FieldValue } from '../schema/protocol.js';
import { enqueueOp, getRecord, workspaceOf } from './changes.js';
import type { Replica, Store, WriteTx } from './open.js';
import { refreshSyncStatus } from './record-status.js';
import { specFor } from './registry.js';
import { conflicts, type ConflictRow } from './schema.js';
import { requireWritable } from './workspaces.js';
import { encodeValue, toConflictView, type ConflictView } from './views.js';

/** Log conflicts reported for one op. */
export function recordConflicts(tx: WriteTx, op: { tableName: string; recordId: string }, found: FieldConflict[], now: number): void {
  for (const c of found) {
    tx.db
      .insert(conflicts)
      .values({
        id: uuidv7(),
        tableName: op.tableName,
        recordId: op.recordId,
        field: c.field,
        localValue: encodeValue(c.local),
        remoteValue: encodeValue(c.remote),
        remoteWriterId: c.remoteWriter?.userId ?? null,
        remoteWriterName: c.remoteWriter?.name ?? null,
        policy: c.policy,
        winner: c.winner,
        resolved: c.winner !== 'pending',
        createdAt: now,
        resolvedAt: c.winner === 'pending' ? null : now,
      })
      .run();
  }
}

/** Fields of `tableName` held by an open (manual) conflict, by record. Read-only. */
export function heldFieldsByRecord(store: Store, tableName: string): Map<string, Set<string>> {
  const rows = store.db
    .select({ recordId: conflicts.recordId, field: conflicts.field })
    .from(conflicts)
    .where(and(eq(conflicts.tableName, tableName), eq(conflicts.resolved, false)))
    .all();
  const out = new Map<string, Set<string>>();
  for (const row of rows) out.set(row.recordId, (out.get(row.recordId) ?? new Set<string>()).add(row.field));
  return out;
}

/**
 * The server's value of a held field moved on (a later write, pulled): the
 * open conflict now offers that value, so taking "remote" takes the latest.
 */
export function updateHeldRemote(tx: WriteTx, tableName: string, recordId: string, field: string, remote: FieldValue): void {
  tx.db
    .update(conflicts)
    .set({ remoteValue: encodeValue(remote) })
    .where(and(eq(conflicts.tableName, tableName), eq(conflicts.recordId, recordId), eq(conflicts.field, field), eq(conflicts.resolved, false)))
    .run();
}

/** Open conflicts (or all), oldest first, as stored (values JSON-encoded). Read-only. */
export function listConflicts(store: Store, options: { all?: boolean } = {}): ConflictRow[] {
  const query = store.db.select().from(conflicts);
  return (options.all ? query : query.where(eq(conflicts.resolved, false))).orderBy(asc(conflicts.createdAt), asc(conflicts.id)).all();
}

/** Open conflicts (or all), oldest first, with their values decoded. Read-only. */
export function conflictViews(store: Store, options: { all?: boolean } = {}): ConflictView[] {
  return listConflicts(store, options).map(toConflictView);
}

function findOpenConflict(store: Store, idPrefix: string): ConflictView {
  const prefix = idPrefix.trim().toLowerCase();
  if (prefix.length < 4) throw new UsageError(`conflict id "${idPrefix}" is too short; give at least 4 characters (see convoy conflicts)`);
  const found = store.db
    .select()
    .from(conflicts)
    .where(and(gte(conflicts.id, prefix), lt(conflicts.id, `${prefix}\uffff`)))
    .limit(6)
    .all();
  if (found.length === 0) throw new UsageError(`conflict: no conflict with id "${idPrefix}"; see convoy conflicts`);
  if (found.length > 1) throw new UsageError(`conflict id "${idPrefix}" is ambiguous: matches ${found.map((c) => c.id).join(', ')}; type more characters`);
  const conflict = toConflictView(found[0]!);
  if (conflict.resolved) throw new UsageError(`conflict ${conflict.id} is already settled (${conflict.winner} kept); nothing to resolve`);
  return conflict;
}

/**
 * Settle a held (manual) conflict. `remote`: the local field takes the
 * server's value, nothing to push. `local`: the local value is re-queued as
 * an update based on the version that reported the conflict, so it wins on
 * the next push. Transactional. Returns the settled conflict.
 */
export function resolveConflict(replica: Replica, idPrefix: string, take: 'local' | 'remote', now: number): ConflictView {
  return replica.write((tx) => {
    const conflict = findOpenConflict(tx, idPrefix);
    const spec = specFor(conflict.tableName);
    const value = take === 'local' ? conflict.local : conflict.remote;
    const row = getRecord(tx, spec, conflict.recordId)!;
    const workspaceId = workspaceOf(row);
    requireWritable(tx, workspaceId);
    tx.db
      .update(spec.table)
      .set({ [conflict.field]: value, updatedAt: now })
      .where(eq(spec.table.id, conflict.recordId))
      .run();
    if (take === 'local') {
      const fields = { [conflict.field]: value };
      enqueueOp(tx, { op: 'update', tableName: spec.name, recordId: conflict.recordId, workspaceId, fields, baseVersion: (row.serverVersion as number | null) ?? null, createdAt: now });
    }
    tx.db.update(conflicts).set({ resolved: true, winner: take, resolvedAt: now }).where(eq(conflicts.id, conflict.id)).run();
    refreshSyncStatus(tx, spec, conflict.recordId);
    return { ...conflict, resolved: true, winner: take, resolvedAt: now };
  });
}
