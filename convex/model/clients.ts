/**
 * Per-replica push bookkeeping: the last applied sequence and the stored
 * per-op results that make a replayed batch return the same answers.
 */
import type { DatabaseReader, DatabaseWriter } from '../_generated/server.js';
import type { Doc } from '../_generated/dataModel.js';
import type { OpResult, SyncTableName } from '../../src/schema/protocol.js';
import { findRecord, recordFields } from './records.js';

/** Stored results deleted per push, at most: keeps one push inside transaction limits. */
const MAX_PRUNE = 1000;

export async function loadClient(db: DatabaseReader, userId: string, clientId: string): Promise<Doc<'clients'> | null> {
  return await db
    .query('clients')
    .withIndex('by_user_client', (q) => q.eq('userId', userId).eq('clientId', clientId))
    .unique();
}

/** Record the client's new last applied sequence (no write when unchanged). */
export async function saveClient(
  db: DatabaseWriter,
  existing: Doc<'clients'> | null,
  next: { userId: string; clientId: string; lastSeq: number },
): Promise<void> {
  if (existing === null) {
    if (next.lastSeq > 0) await db.insert('clients', next);
  } else if (next.lastSeq > existing.lastSeq) {
    await db.patch('clients', existing._id, { lastSeq: next.lastSeq });
  }
}

/**
 * Delete the client's stored results below `firstSeq`. A replica sends its
 * pending ops in sequence order, so anything below the first op of a batch
 * has been recorded by the client and will never be asked about again.
 */
export async function pruneResults(db: DatabaseWriter, userId: string, clientId: string, firstSeq: number | undefined) {
  if (firstSeq === undefined) return;
  const stale = await db
    .query('opResults')
    .withIndex('by_user_client_seq', (q) => q.eq('userId', userId).eq('clientId', clientId).lt('seq', firstSeq))
    .take(MAX_PRUNE);
  for (const doc of stale) await db.delete('opResults', doc._id);
}

/**
 * The answer for an op at or below the client's last applied sequence: the
 * stored result when there is one. Without one (a replica that lost its state
 * and resends long-acknowledged ops), answer from the record's current state
 * rather than applying the op twice.
 */
export async function replayResult(
  db: DatabaseReader,
  userId: string,
  clientId: string,
  op: { seq: number; table: SyncTableName; recordId: string },
): Promise<OpResult> {
  const stored = await db
    .query('opResults')
    .withIndex('by_user_client_seq', (q) => q.eq('userId', userId).eq('clientId', clientId).eq('seq', op.seq))
    .unique();
  if (stored !== null) return stored.result;
  const row = await findRecord(db, op.table, userId, op.recordId);
  if (row === null) return { seq: op.seq, status: 'rejected', reason: 'already processed; its result is no longer stored' };
  return { seq: op.seq, status: 'applied', version: row.version, fields: recordFields(op.table, row) };
}
