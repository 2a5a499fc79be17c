/**
 * Cheap change detection for long-running readers (the board): SQLite's
 * `data_version` changes whenever ANOTHER connection (another convoy process,
 * the daemon) commits to the replica. This connection's own commits do not
 * change it, so callers refresh explicitly after their own writes.
 */
import type { Replica } from './open.js';

export function dataVersion(replica: Replica): number {
  return replica.sqlite.pragma('data_version', { simple: true }) as number;
}
