/**
 * The columns every synced table carries besides its declared fields (the
 * generated tables in tables.generated.ts spread them in).
 */
import { sql } from 'drizzle-orm';
import { index, integer, text, type SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** The local id of the personal workspace (on the wire, requests for it omit `workspace`). */
export const PERSONAL_WORKSPACE = '';

export const SYNC_STATUSES = ['synced', 'pending', 'failed', 'conflict'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** The random tail of a record id, as SQL. */
const idTail = sql`substr(id, 25)`;

/** Sync bookkeeping of a record; `updatedAt` (local, last change) follows the declared fields. */
export const syncColumns = {
  /** Client-generated UUIDv7; the same on every replica and on the server. */
  id: text('id').primaryKey(),
  /** The server's own id for the row, once known. */
  serverId: text('server_id'),
  /** Server row version last seen: the base for conflict detection. */
  serverVersion: integer('server_version'),
  syncStatus: text('sync_status', { enum: SYNC_STATUSES }).notNull().default('pending'),
  /**
   * The workspace the record belongs to: '' is the personal workspace (whose
   * server id, the user id, is kept in the local workspaces table), any other
   * value a shared workspace's server id. Set at capture (or from the pulled
   * workspace) and never changed.
   */
  workspaceId: text('workspace_id').notNull().default(PERSONAL_WORKSPACE),
  /**
   * The id's last group (12 hex digits, random in UUIDv4 and v7), computed by
   * SQLite and never stored: short ids are its prefixes.
   */
  idTail: text('id_tail').generatedAlwaysAs(idTail, { mode: 'virtual' }),
};

/**
 * Indexes every synced table carries besides its declared ones: the id's
 * random tail, so short ids (prefixes of the tail) resolve and are computed
 * with index seeks, never a scan, on a replica of any size.
 */
export const syncIndexes = (table: string, t: { idTail: SQLiteColumn }) => [index(`${table}_id_tail_idx`).on(t.idTail)];
