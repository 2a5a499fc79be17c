/**
 * Pull: fetch each table's changes above its cursor, page by page; each page
 * and its cursor commit together.
 */
import type { Replica } from '../db/open.js';
import type { SyncTableSpec } from '../db/registry.js';
import { pullCursor, resetPulledState } from '../db/remote.js';
import { applyPulledPage } from './apply-page.js';
import type { Backend } from './backend.js';
import type { SyncTableName } from '../schema/protocol.js';
import { withTransientRetry } from './retry.js';

export const DEFAULT_PAGE_SIZE = 1_000;

export interface PullOptions {
  pageSize: number;
  now: () => number;
  onPage?: (table: string, pulled: number) => void;
}

/**
 * Pull every change of one table. A server whose head is behind our cursor
 * was reset: the table is pulled again from scratch (the outbox is kept, so
 * local changes still push). Returns how many records were applied.
 */
export async function pullTable(replica: Replica, backend: Backend, spec: SyncTableSpec, options: PullOptions): Promise<number> {
  let pulled = 0;
  let resets = 0;
  for (;;) {
    const cursor = pullCursor(replica, spec.name);
    const page = await withTransientRetry(() => backend.pull({ table: spec.name as SyncTableName, cursor, limit: options.pageSize }));
    if (page.headVersion < cursor && resets === 0) {
      resets++;
      resetPulledState(replica, spec);
      continue;
    }
    pulled += applyPulledPage(replica, spec, page, options.now());
    options.onPage?.(spec.name, pulled);
    if (!page.hasMore || page.changes.length === 0) return pulled;
  }
}
