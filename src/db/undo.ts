/**
 * `convoy undo`: revert the most recent batch of the undo log (one write
 * transaction: a command, or a whole import), in one transaction. A change
 * whose op is still queued is dropped with its op and the record restored
 * from the log (a created record is removed); a change already pushed gets
 * a compensating change, queued like any other (a pushed create is canceled:
 * records are never deleted on the server). Works offline.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { UsageError } from '../errors.js';
import { tasks as tasksDecl } from '../schema/tables.js';
import { getRecord, updateRecord, workspaceOf } from './changes.js';
import { assertNoCycles } from './inputs.js';
import type { Replica, Store, WriteTx } from './open.js';
import { specFor } from './registry.js';
import { assertMemberMayReturn, revertMember } from './sets.js';
import { outbox, undoLog, type UndoRow } from './schema.js';
import { applyTaskUpdate } from './tasks.js';
import { skipUndo, type UndoPrevious } from './undo-log.js';
import { requireWritable } from './workspaces.js';

/** How one record was reverted. */
export interface UndoneRecord {
  tableName: string;
  recordId: string;
  op: 'create' | 'update';
  /** removed: an unpushed create dropped; restored: an unpushed update dropped; compensated: a new op queued. */
  action: 'removed' | 'restored' | 'compensated';
}

/** One batch of changes that undo can revert, newest first. */
export interface UndoBatchView {
  batch: number;
  createdAt: number;
  changes: number;
  /** The first change of the batch (for a one-change batch, the change). */
  first: { op: 'create' | 'update'; tableName: string; recordId: string; fields: string[] };
}

/** The last `limit` batches not yet undone, newest first. Read-only. */
export function listUndo(store: Store, limit = 20): UndoBatchView[] {
  const batches = store.db
    .select({ batch: undoLog.batch, createdAt: sql<number>`min(${undoLog.createdAt})`, changes: sql<number>`count(*)`, first: sql<number>`min(${undoLog.seq})` })
    .from(undoLog)
    .where(isNull(undoLog.undoneAt))
    .groupBy(undoLog.batch)
    .orderBy(desc(undoLog.batch))
    .limit(limit)
    .all();
  return batches.map((b) => {
    const row = store.db.select().from(undoLog).where(eq(undoLog.seq, b.first)).get()!;
    const fields = row.previous ? Object.keys((JSON.parse(row.previous) as UndoPrevious).fields) : [];
    return { batch: b.batch, createdAt: b.createdAt, changes: b.changes, first: { op: row.op, tableName: row.tableName, recordId: row.recordId, fields } };
  });
}

/** Has the record other ops queued (besides the one being dropped)? */
const stillQueued = (tx: WriteTx, entry: UndoRow) =>
  tx.db.select({ seq: outbox.seq }).from(outbox).where(and(eq(outbox.tableName, entry.tableName), eq(outbox.recordId, entry.recordId))).limit(1).get() !== undefined;

function revert(tx: WriteTx, entry: UndoRow, now: number): UndoneRecord['action'] | null {
  const spec = specFor(entry.tableName);
  const current = getRecord(tx, spec, entry.recordId);
  if (!current) return null;
  // Dropping an unpushed op or restoring a row writes too: a left workspace is read-only.
  requireWritable(tx, workspaceOf(current));
  const queued = tx.db.delete(outbox).where(eq(outbox.seq, entry.opSeq)).run().changes > 0;
  const previous = entry.previous === null ? null : (JSON.parse(entry.previous) as UndoPrevious);
  if (queued && entry.op === 'create') {
    tx.db.delete(spec.table).where(eq(spec.table.id, entry.recordId)).run();
    return 'removed';
  }
  // A pull since may have made the old value close a cycle (A.parent = B back while B.parent = A came in).
  if (previous) assertNoCycles(tx, spec, entry.recordId, previous.fields);
  if (entry.op === 'update') assertMemberMayReturn(tx, spec, current);
  if (queued && previous) {
    const syncStatus = stillQueued(tx, entry) ? 'pending' : previous.syncStatus;
    tx.db.update(spec.table).set({ ...previous.fields, updatedAt: previous.updatedAt, syncStatus }).where(eq(spec.table.id, entry.recordId)).run();
    return 'restored';
  }
  // Pushed: the server has it; queue the change that takes it back.
  if (spec.decl.set !== null) revertMember(tx, spec, current, entry.op, now);
  else if (previous) updateRecord(tx, spec, current, previous.fields, now);
  else if (spec.name === tasksDecl.name) applyTaskUpdate(tx, entry.recordId, { status: 'canceled' }, now);
  else throw new UsageError(`undo: ${spec.noun} ${entry.recordId} was already synced and ${spec.name} cannot be deleted; nothing was undone`);
  return 'compensated';
}

/** Revert the most recent batch not yet undone. Transactional; throws UsageError when there is nothing to undo. */
export function undoLast(replica: Replica, now: number): { batch: number; records: UndoneRecord[] } {
  return replica.write((tx) => {
    skipUndo(tx);
    const last = tx.db.select({ batch: undoLog.batch }).from(undoLog).where(isNull(undoLog.undoneAt)).orderBy(desc(undoLog.batch)).limit(1).get();
    if (!last) throw new UsageError('undo: nothing to undo; convoy undo --list shows what can be reverted');
    const entries = tx.db.select().from(undoLog).where(eq(undoLog.batch, last.batch)).orderBy(desc(undoLog.seq)).all();
    const records: UndoneRecord[] = [];
    for (const entry of entries) {
      const action = revert(tx, entry, now);
      if (action) records.push({ tableName: entry.tableName, recordId: entry.recordId, op: entry.op, action });
    }
    tx.db.update(undoLog).set({ undoneAt: now }).where(eq(undoLog.batch, last.batch)).run();
    return { batch: last.batch, records };
  });
}
