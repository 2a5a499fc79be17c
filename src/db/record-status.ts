/**
 * A synced record's `syncStatus` is derived from the outbox and the conflicts
 * log; this recomputes it after anything that changes either.
 */
import { eq, sql } from 'drizzle-orm';
import type { WriteTx } from './open.js';
import type { SyncTableSpec } from './registry.js';
import { compiled, type Compiled } from './statements.js';

/** Failed beats pending beats an open conflict beats synced. */
function statement(tx: WriteTx, spec: SyncTableSpec): Compiled {
  return compiled(tx, `status:${spec.name}`, () => {
    const id = sql.placeholder('id');
    const name = spec.name;
    const status = sql`CASE
      WHEN EXISTS (SELECT 1 FROM outbox WHERE table_name = ${name} AND record_id = ${id} AND state = 'failed') THEN 'failed'
      WHEN EXISTS (SELECT 1 FROM outbox WHERE table_name = ${name} AND record_id = ${id} AND state = 'pending') THEN 'pending'
      WHEN EXISTS (SELECT 1 FROM conflicts WHERE table_name = ${name} AND record_id = ${id} AND resolved = 0) THEN 'conflict'
      ELSE 'synced' END`;
    return tx.db.update(spec.table).set({ syncStatus: status }).where(eq(spec.table.id, id));
  });
}

/** Recompute one record's sync status, in the transaction that changed its ops. Idempotent. */
export function refreshSyncStatus(tx: WriteTx, spec: SyncTableSpec, recordId: string): void {
  statement(tx, spec).run({ id: recordId });
}
