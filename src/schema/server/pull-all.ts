/** The combined pull: every table a client syncs in one read-only call (no echo of its own known writes). */
import { MAX_KNOWN_RANGES, type KnownWrites, type PullAllPage, type PullAllRequest, type TablePage } from '../protocol.js';
import { findTable, type Registry } from '../registry.js';
import { MAX_PULL_LIMIT } from './read.js';
import { recordFields } from './records.js';
import { ServerError, type StoredRecord, type SyncStore } from './store.js';

/**
 * True when `record` is the asker's own write it already holds: its version
 * is in one of `known.versions` and every field's last writer is `known.clientId`.
 */
export function isKnownWrite(record: Pick<StoredRecord, 'version' | 'fieldWriters'>, known: KnownWrites | undefined): boolean {
  if (known === undefined || !known.versions.some(([from, to]) => record.version >= from && record.version <= to)) return false;
  const writers = Object.values(record.fieldWriters);
  return writers.length > 0 && writers.every((w) => w === known.clientId);
}

/** Refuse what no client of this protocol sends: unknown tables, non-numeric cursors, too many or malformed ranges. */
function checkRequest(registry: Registry, request: PullAllRequest): void {
  for (const [name, cursor] of Object.entries(request.cursors)) {
    if (findTable(name, registry) === undefined) throw new ServerError('bad_request', `unknown table ${JSON.stringify(name)}`);
    if (typeof cursor !== 'number' || !Number.isFinite(cursor)) throw new ServerError('bad_request', `the cursor of ${name} must be a number`);
  }
  const ranges = request.known?.versions ?? [];
  if (ranges.length > MAX_KNOWN_RANGES) throw new ServerError('bad_request', `${ranges.length} known ranges; send at most ${MAX_KNOWN_RANGES}`);
  if (ranges.some((r) => r.length !== 2)) throw new ServerError('bad_request', 'a known range is [from, to]');
}

/**
 * For each table in `request.cursors` (in registry order), its records with
 * version > its cursor, ascending, as `pullPage` gives them; at most
 * min(limit, 1000) records are read over all tables, and a table not reached
 * answers its cursor unchanged and `hasMore` when it has a record above it. Records the asker already
 * holds (`isKnownWrite`) are read but left out; the cursor still passes them.
 * A table whose cursor is at or above the head is not read. Throws
 * ServerError `bad_request` for a malformed request.
 */
export async function pullAll(store: SyncStore, registry: Registry, request: PullAllRequest): Promise<PullAllPage> {
  checkRequest(registry, request);
  let budget = Math.max(1, Math.min(Math.floor(request.limit) || 1, MAX_PULL_LIMIT));
  const head = await store.readCounter();
  const tables: Record<string, TablePage> = {};
  for (const table of registry) {
    const cursor = request.cursors[table.name];
    if (cursor === undefined) continue;
    if (cursor >= head) {
      tables[table.name] = { changes: [], cursor, hasMore: false };
      continue;
    }
    if (budget === 0) {
      // Not reached: one cheap look says whether it has anything (the head is every table's, not its own).
      tables[table.name] = { changes: [], cursor, hasMore: (await store.recordsAbove(table.name, cursor, 1)).length > 0 };
      continue;
    }
    // One row more than the budget tells whether there is more without a second query.
    const rows = await store.recordsAbove(table.name, cursor, budget + 1);
    const page = rows.slice(0, budget);
    budget -= page.length;
    tables[table.name] = {
      changes: page
        .filter((row) => !isKnownWrite(row, request.known))
        .map((row) => ({ recordId: row.recordId, version: row.version, fields: recordFields(table, row) })),
      cursor: page.at(-1)?.version ?? cursor,
      hasMore: rows.length > page.length,
    };
  }
  return { tables, headVersion: head };
}
