/**
 * Recording local changes for `convoy undo`: the one write path
 * (src/db/changes.ts) calls `recordUndo` in the same transaction as the
 * change, so the log can never disagree with the records. Entries written by
 * one transaction form one batch (a command, or a whole import).
 */
import { sql } from 'drizzle-orm';
import type { Fields } from '../schema/protocol.js';
import type { WriteTx } from './open.js';
import { undoLog } from './schema.js';
import { compiled } from './statements.js';

/** Batches kept; older ones are pruned when a new batch starts. */
export const UNDO_KEPT_BATCHES = 100;

/** What an update replaced: the changed fields' previous values and the row's bookkeeping. */
export interface UndoPrevious {
  fields: Fields;
  updatedAt: number;
  syncStatus: string;
}

export interface UndoEntryInput {
  op: 'create' | 'update';
  tableName: string;
  recordId: string;
  /** The seq of the outbox op the change queued. */
  opSeq: number;
  /** Null for a create. */
  previous: UndoPrevious | null;
  createdAt: number;
}

/** The batch of each write transaction that recorded something; 0 = do not record. */
const batches = new WeakMap<WriteTx, number>();

/** Changes this transaction writes are not recorded (undo's own compensating writes). */
export function skipUndo(tx: WriteTx): void {
  batches.set(tx, 0);
}

function batchOf(tx: WriteTx): number {
  let batch = batches.get(tx);
  if (batch !== undefined) return batch;
  const [row] = compiled(tx, 'undo:next-batch', () =>
    tx.db.select({ next: sql<number>`coalesce(max(${undoLog.batch}), 0) + 1`.as('next') }).from(undoLog),
  ).all<{ next: number }>({});
  batch = row!.next;
  batches.set(tx, batch);
  compiled(tx, 'undo:prune', () => tx.db.delete(undoLog).where(sql`${undoLog.batch} <= ${sql.placeholder('oldest')}`)).run({
    oldest: batch - UNDO_KEPT_BATCHES,
  });
  return batch;
}

/** Log one change for undo, in the caller's transaction (skipped after `skipUndo`). */
export function recordUndo(tx: WriteTx, entry: UndoEntryInput): void {
  const batch = batchOf(tx);
  if (batch === 0) return;
  compiled(tx, 'undo:insert', () =>
    tx.db.insert(undoLog).values({
      batch: sql.placeholder('batch'),
      op: sql.placeholder('op'),
      tableName: sql.placeholder('tableName'),
      recordId: sql.placeholder('recordId'),
      opSeq: sql.placeholder('opSeq'),
      previous: sql.placeholder('previous'),
      createdAt: sql.placeholder('createdAt'),
    }),
  ).run({ ...entry, batch, previous: entry.previous === null ? null : JSON.stringify(entry.previous) });
}
