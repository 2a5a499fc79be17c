/** Pull pages and the head version over any `SyncStore`. Read-only and safe to repeat. */
import type { PullPage, PullRequest } from '../protocol.js';
import { findTable, type Registry } from '../registry.js';
import { recordFields } from './records.js';
import { ServerError, type SyncStore } from './store.js';

/** Largest page served, whatever the client asks: inside Convex's read and array limits. */
export const MAX_PULL_LIMIT = 1000;

/**
 * Records of `table` with version > `cursor`, in ascending version order, at
 * most min(limit, 1000). `cursor` in the answer is the last version in the
 * page (the request cursor when the page is empty); `headVersion` is the
 * workspace's counter, so a client whose cursor is above it knows the server was
 * reset. Throws ServerError `bad_request` for a table not in `registry`.
 */
export async function pullPage(store: SyncStore, registry: Registry, request: PullRequest): Promise<PullPage> {
  const table = findTable(request.table, registry);
  if (table === undefined) throw new ServerError('bad_request', `unknown table ${JSON.stringify(request.table)}`);
  const limit = Math.max(1, Math.min(Math.floor(request.limit) || 1, MAX_PULL_LIMIT));
  // One row more than the page tells whether there is more without a second query.
  const rows = await store.recordsAbove(table.name, request.cursor, limit + 1);
  const page = rows.slice(0, limit);
  return {
    changes: page.map((row) => ({ recordId: row.recordId, version: row.version, fields: recordFields(table, row) })),
    cursor: page.at(-1)?.version ?? request.cursor,
    hasMore: rows.length > limit,
    headVersion: await store.readCounter(),
  };
}

/** The workspace's current change counter (0 before the first write). */
export async function headVersion(store: SyncStore): Promise<{ headVersion: number }> {
  return { headVersion: await store.readCounter() };
}
