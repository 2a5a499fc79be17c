/**
 * The columns every synced table carries besides its declared fields (the
 * generated tables in tables.generated.ts spread them in).
 */
import { integer, text } from 'drizzle-orm/sqlite-core';

export const SYNC_STATUSES = ['synced', 'pending', 'failed', 'conflict'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** Sync bookkeeping of a record; `updatedAt` (local, last change) follows the declared fields. */
export const syncColumns = {
  /** Client-generated UUIDv7; the same on every replica and on the server. */
  id: text('id').primaryKey(),
  /** The server's own id for the row, once known. */
  serverId: text('server_id'),
  /** Server row version last seen: the base for conflict detection. */
  serverVersion: integer('server_version'),
  syncStatus: text('sync_status', { enum: SYNC_STATUSES }).notNull().default('pending'),
};
