/**
 * Applying a pulled page to the replica: the pull phase's local half, built
 * on db's statements. A page and the cursor that follows it commit in ONE
 * transaction: a crash either keeps both or neither, so a page is never
 * skipped and never half-applied.
 */
import type { Replica, WriteTx } from '../db/open.js';
import { heldFieldsByRecord, updateHeldRemote } from '../db/conflicts.js';
import { noteCycles } from '../db/cycles.js';
import { queuedFieldsByRecord } from '../db/outbox.js';
import { withDefaults, type SyncTableSpec } from '../db/registry.js';
import { advancePullCursor, forgetServerVersions, mergePulled, upsertPulled } from '../db/remote.js';
import { withDeferredSearchIndex } from '../db/search-index.js';
import { PERSONAL_WORKSPACE } from '../db/workspaces.js';
import type { PullPage, RemoteRecord } from '../schema/protocol.js';
import { mergeRemote } from './conflict.js';

/**
 * Apply one page of `spec`'s changes and advance the table's cursor, in one
 * transaction (new records go to `workspace`, the one pulled). Fields with queued local ops are never overwritten (they win
 * or lose at the next push); nor are fields held by a manual conflict, whose
 * conflict takes the newer server value instead (so `resolve --take remote`
 * takes the latest). Reference cycles the page closes are noted
 * (src/db/cycles.ts). Returns how many records it changed locally.
 */
export function applyPulledPage(replica: Replica, spec: SyncTableSpec, page: PullPage, now: number, workspace: string = PERSONAL_WORKSPACE): number {
  // The page's new tasks are search-indexed in one statement, not row by row (search-index.ts).
  return replica.write((tx) =>
    withDeferredSearchIndex(tx, () => {
      const applied = applyChanges(tx, spec, page.changes, now, workspace);
      advancePullCursor(tx, spec.name, page.cursor, now, !page.hasMore, workspace);
      return applied;
    }),
  );
}

/**
 * Apply server records found to differ from the replica (`convoy verify
 * --repair`), whatever version the replica holds for them, in one
 * transaction, as a pull applies them (queued and held fields kept). The
 * cursor stays. Returns how many records it changed.
 */
export function applyRepairs(replica: Replica, spec: SyncTableSpec, records: readonly RemoteRecord[], now: number, workspace: string = PERSONAL_WORKSPACE): number {
  return replica.write((tx) => {
    // Forget the version the replica holds, so the server's state applies even at the same version.
    forgetServerVersions(tx, spec, records.map((r) => r.recordId));
    return applyChanges(tx, spec, records, now, workspace);
  });
}

/** Apply server records of `workspace` (new ones are stored in it). */
function applyChanges(tx: WriteTx, spec: SyncTableSpec, changes: readonly RemoteRecord[], now: number, workspace: string): number {
  const queued = queuedFieldsByRecord(
    tx,
    spec.name,
    changes.map((change) => change.recordId),
  );
  const held = heldFieldsByRecord(tx, spec.name);
  let applied = 0;
  for (const change of changes) {
    const pending = unionOf(queued.get(change.recordId), held.get(change.recordId));
    const fields = withDefaults(spec, change.fields, true);
    for (const field of held.get(change.recordId) ?? []) updateHeldRemote(tx, spec.name, change.recordId, field, fields[field] ?? null);
    // Our own pushes come back in pulls; they change nothing and are not counted.
    if (pending) applied += mergePulled(tx, spec, change.recordId, change.version, mergeRemote(fields, pending));
    else applied += upsertPulled(tx, spec, change.recordId, change.version, fields, now, workspace);
  }
  // Two offline edits merged here can close a reference cycle (A.parent = B, B.parent = A): note it for status and show.
  noteCycles(tx, spec, changes.map((change) => change.recordId), now);
  return applied;
}

function unionOf(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (!a || !b) return a ?? b;
  return new Set([...a, ...b]);
}
