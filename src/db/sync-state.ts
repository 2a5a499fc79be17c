/**
 * Replica-wide sync facts: the client id, per-table sync state, queue counts.
 */
import { and, count, eq } from 'drizzle-orm';
import { SYNC_TABLES } from './registry.js';
import type { Replica } from './open.js';
import { conflicts, meta, outboxCounts, PERSONAL_WORKSPACE, syncState } from './schema.js';

export interface TableSyncState {
  initialSyncDone: boolean;
  lastPullAt: number | null;
  lastPushAt: number | null;
  lastError: string | null;
}

export interface QueueCounts {
  pending: number;
  failed: number;
  conflicts: number;
}

/** This replica's client id (created with the replica). */
export function clientId(replica: Replica): string {
  return readMeta(replica, 'clientId')!;
}

export function readMeta(replica: Replica, key: string): string | undefined {
  return replica.db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value;
}

/** Upsert one meta value. Idempotent. */
export function writeMeta(replica: Replica, key: string, value: string, now: number): void {
  replica.db
    .insert(meta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: meta.key, set: { value, updatedAt: now } })
    .run();
}

/** Counts of queued ops by state and of open conflicts; the same cost at any queue size. Read-only. */
export function queueCounts(replica: Replica): QueueCounts {
  // Two rows kept in step by triggers, and a covering index over the open conflicts: no scan.
  const byState = replica.db.select({ state: outboxCounts.state, n: outboxCounts.n }).from(outboxCounts).all();
  const open = replica.db.select({ n: count() }).from(conflicts).where(and(eq(conflicts.resolved, false))).get();
  return {
    pending: byState.find((r) => r.state === 'pending')?.n ?? 0,
    failed: byState.find((r) => r.state === 'failed')?.n ?? 0,
    conflicts: open?.n ?? 0,
  };
}

/** Sync state of every registered table of the workspace (default personal); tables never synced report initialSyncDone false. */
export function tableSyncStates(replica: Replica, workspace: string = PERSONAL_WORKSPACE): Record<string, TableSyncState> {
  const rows = replica.db.select().from(syncState).where(eq(syncState.workspaceId, workspace)).all();
  const out: Record<string, TableSyncState> = {};
  for (const { name } of SYNC_TABLES) {
    const row = rows.find((r) => r.tableName === name);
    out[name] = {
      initialSyncDone: row?.initialSyncDone ?? false,
      lastPullAt: row?.lastPullAt ?? null,
      lastPushAt: row?.lastPushAt ?? null,
      lastError: row?.lastError ?? null,
    };
  }
  return out;
}
