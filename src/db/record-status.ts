/**
 * A synced record's `syncStatus` is derived from the outbox and the conflicts
 * log; this recomputes it after anything that changes either.
 */
import { sql } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import type { SyncTableSpec } from '../sync/registry.js';
import type { Replica } from './open.js';

interface Prepared {
  run(values: Record<string, unknown>): unknown;
}

const statements = new WeakMap<Replica, Map<string, Prepared>>();

function statement(replica: Replica, spec: SyncTableSpec): Prepared {
  let byTable = statements.get(replica);
  if (!byTable) statements.set(replica, (byTable = new Map()));
  let stmt = byTable.get(spec.name);
  if (!stmt) {
    const id = sql.placeholder('id');
    const name = spec.name;
    // Failed beats pending beats an open conflict beats synced.
    const status = sql`CASE
      WHEN EXISTS (SELECT 1 FROM outbox WHERE table_name = ${name} AND record_id = ${id} AND state = 'failed') THEN 'failed'
      WHEN EXISTS (SELECT 1 FROM outbox WHERE table_name = ${name} AND record_id = ${id} AND state = 'pending') THEN 'pending'
      WHEN EXISTS (SELECT 1 FROM conflicts WHERE table_name = ${name} AND record_id = ${id} AND resolved = 0) THEN 'conflict'
      ELSE 'synced' END`;
    stmt = replica.db.update(spec.table).set({ syncStatus: status }).where(eq(spec.table.id, id)).prepare();
    byTable.set(spec.name, stmt);
  }
  return stmt;
}

/** Recompute one record's sync status. Idempotent; call inside the transaction that changed its ops. */
export function refreshSyncStatus(replica: Replica, spec: SyncTableSpec, recordId: string): void {
  statement(replica, spec).run({ id: recordId });
}
