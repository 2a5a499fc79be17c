/**
 * How a finished sync reads, for `convoy sync` and the board's status line alike.
 */
import type { SyncSummary } from '../sync/engine.js';

export function summaryLine(s: SyncSummary): string {
  const seconds = (s.durationMs / 1000).toFixed(1);
  return `Synced: pushed ${s.pushed}, pulled ${s.pulled}, conflicts ${s.conflicts}, failed ${s.failed} (${seconds} s)`;
}
