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

/** Batches kept at least; older ones are pruned every PRUNE_EVERY batches. */
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

/** Prune old batches every this many batches (not on every capture: `convoy add` stays one statement here). */
const PRUNE_EVERY = 16;

/**
 * Log one change for undo, in the caller's transaction (skipped after
 * `skipUndo`). The transaction's first entry opens a new batch in the same
 * statement (max + 1), so a capture costs one insert.
 */
export function recordUndo(tx: WriteTx, entry: UndoEntryInput): void {
  const known = batches.get(tx);
  if (known === 0) return;
  const [row] = compiled(tx, 'undo:insert', () =>
    tx.db
      .insert(undoLog)
      .values({
        batch: sql`coalesce(${sql.placeholder('batch')}, (SELECT coalesce(max(${undoLog.batch}), 0) + 1 FROM ${undoLog}))`,
        op: sql.placeholder('op'),
        tableName: sql.placeholder('tableName'),
        recordId: sql.placeholder('recordId'),
        opSeq: sql.placeholder('opSeq'),
        previous: sql.placeholder('previous'),
        createdAt: sql.placeholder('createdAt'),
      })
      .returning({ batch: undoLog.batch }),
  ).all<{ batch: number }>({ ...entry, batch: known ?? null, previous: entry.previous === null ? null : JSON.stringify(entry.previous) });
  if (known !== undefined) return;
  const batch = row!.batch;
  batches.set(tx, batch);
  if (batch % PRUNE_EVERY === 0) {
    compiled(tx, 'undo:prune', () => tx.db.delete(undoLog).where(sql`${undoLog.batch} <= ${sql.placeholder('oldest')}`)).run({ oldest: batch - UNDO_KEPT_BATCHES });
  }
}
