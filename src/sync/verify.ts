/**
 * `convoy verify`: compare the replica's records with the server's by
 * checksum (src/schema/checksum.ts), table by table. Equal sums end a
 * table in one request; a difference is narrowed down through buckets of
 * ids (one more id character per level) until the server lists the
 * records, which are then compared one by one. A record that differs only
 * because of local work not pushed yet, or a server change not pulled yet,
 * is counted, not reported. With `repair`, differing records are re-pulled
 * (queued local fields kept) and records only the replica holds are queued
 * to be pushed again. Holds the sync lock: no sync runs meanwhile.
 */
import { createHash } from 'node:crypto';
import { requeueCreate } from '../db/changes.js';
import type { Replica } from '../db/open.js';
import { pullCursor } from '../db/remote.js';
import type { SyncTableSpec } from '../db/registry.js';
import { verifyRows, type VerifyRow } from '../db/verify-rows.js';
import { listLocalWorkspaces } from '../db/workspaces.js';
import { bucketOf, canonicalText, digestOfHash, storedValue, sumOf, type DigestedRecord } from '../schema/checksum.js';
import type { ChecksumSum, Fields, RemoteRecord } from '../schema/protocol.js';
import { applyRepairs } from './apply-page.js';
import type { Backend } from './backend.js';
import { acquireSyncLock } from './lock.js';
import { retryingDroppedCalls } from './retry-once.js';
import type { WorkspaceScope } from './push.js';

/** missing: on the server only; extra: on the replica only (as synced); different: both, other values. */
export type DivergenceKind = 'missing' | 'extra' | 'different';

export interface Divergence {
  recordId: string;
  kind: DivergenceKind;
  /** For `different`: the synced fields whose values differ. */
  fields: string[];
}

export interface TableVerdict {
  table: string;
  /** The workspace compared (its name; `personal` for the personal one). */
  workspace: string;
  serverCount: number;
  replicaCount: number;
  /** Records that differ for no reason the sync protocol explains. */
  diverged: Divergence[];
  /** Records that differ because of local changes not pushed yet (or a conflict waiting). */
  unsynced: number;
  /** Records the server changed since the replica's last pull (the next sync brings them). */
  behind: number;
  /** Checksum requests made. */
  requests: number;
  /** With repair: records re-pulled and records queued to push again. */
  repulled: number;
  requeued: number;
}

export interface VerifyOptions {
  repair?: boolean;
  now?: () => number;
  /** How long to wait for a running sync to finish. */
  lockWaitMs?: number;
  /** The workspaces compared, by local id (as SyncOptions.workspaces); unset: every active one. */
  workspaces?: readonly string[];
}

/** The digest of one record's synced fields (what the server computes for it). */
export function recordDigest(spec: SyncTableSpec, recordId: string, fields: Fields): string {
  return digestOfHash(createHash('sha256').update(canonicalText(spec.decl, recordId, fields), 'utf8').digest('hex'));
}

/** The replica's sum of the records ending in `suffix`, and its sums per bucket. */
function localSums(replica: Replica, spec: SyncTableSpec, suffix: string, scope: WorkspaceScope): { total: ChecksumSum; buckets: Map<string, ChecksumSum> } {
  const groups = new Map<string, DigestedRecord[]>();
  for (const row of verifyRows(replica, spec, suffix, scope.id)) {
    const key = bucketOf(row.recordId, suffix);
    const digested = { recordId: row.recordId, digest: recordDigest(spec, row.recordId, row.fields) };
    const group = groups.get(key);
    if (group) group.push(digested);
    else groups.set(key, [digested]);
  }
  const buckets = new Map([...groups].map(([key, records]) => [key, sumOf(records)]));
  return { total: sumOf([...groups.values()].flat()), buckets };
}

const sameSum = (a: ChecksumSum | undefined, b: ChecksumSum | undefined) => (a?.count ?? 0) === (b?.count ?? 0) && (a?.digest ?? '') === (b?.digest ?? '');

/** The synced fields whose stored values differ. */
function differingFields(spec: SyncTableSpec, local: Fields, remote: Fields): string[] {
  return spec.fields.filter((f) => storedValue(spec.decl.fields[f]!, local[f]) !== storedValue(spec.decl.fields[f]!, remote[f]));
}

const hasLocalWork = (row: VerifyRow) => row.queued || row.syncStatus !== 'synced';

interface Walk {
  replica: Replica;
  backend: Backend;
  spec: SyncTableSpec;
  scope: WorkspaceScope;
  cursor: number;
  verdict: TableVerdict;
  /** Server states of the records that diverged (missing or different): what repair applies. */
  repulls: RemoteRecord[];
}

/** Compare the records of a leaf one by one. */
function compareLeaf(walk: Walk, suffix: string, remote: readonly RemoteRecord[]): void {
  const { spec, verdict, cursor } = walk;
  const local = new Map<string, VerifyRow>();
  for (const row of verifyRows(walk.replica, spec, suffix, walk.scope.id)) local.set(row.recordId, row);
  for (const record of remote) {
    const row = local.get(record.recordId);
    local.delete(record.recordId);
    if (row && recordDigest(spec, row.recordId, row.fields) === recordDigest(spec, record.recordId, record.fields)) continue;
    if (row && hasLocalWork(row)) verdict.unsynced++;
    else if (record.version > cursor) verdict.behind++;
    else {
      verdict.diverged.push({ recordId: record.recordId, kind: row ? 'different' : 'missing', fields: row ? differingFields(spec, row.fields, record.fields) : [] });
      walk.repulls.push(record);
    }
  }
  for (const row of local.values()) {
    if (hasLocalWork(row)) verdict.unsynced++;
    else verdict.diverged.push({ recordId: row.recordId, kind: 'extra', fields: [] });
  }
}

/** Compare the records ending in `suffix`: by sum, then by bucket, then one by one. */
async function compare(walk: Walk, suffix: string): Promise<void> {
  const workspace = walk.scope.wire === undefined ? {} : { workspace: walk.scope.wire };
  const remote = await walk.backend.checksum({ ...workspace, table: walk.spec.name, suffix });
  walk.verdict.requests++;
  const local = localSums(walk.replica, walk.spec, suffix, walk.scope);
  if (suffix === '') Object.assign(walk.verdict, { serverCount: remote.count, replicaCount: local.total.count });
  if (sameSum(remote, local.total)) return;
  if (remote.records !== null) return compareLeaf(walk, suffix, remote.records);
  const keys = new Set([...Object.keys(remote.buckets ?? {}), ...local.buckets.keys()]);
  for (const key of [...keys].sort()) {
    if (!sameSum(remote.buckets?.[key], local.buckets.get(key))) await compare(walk, key + suffix);
  }
}

/** Re-pull what diverged and queue again what only the replica holds. */
function repair(walk: Walk, now: number): void {
  const { replica, spec, verdict } = walk;
  verdict.repulled = walk.repulls.length === 0 ? 0 : applyRepairs(replica, spec, walk.repulls, now, walk.scope.id);
  const extra = verdict.diverged.filter((d) => d.kind === 'extra');
  if (extra.length > 0) replica.write((tx) => extra.forEach((d) => requeueCreate(tx, spec, d.recordId, now)));
  verdict.requeued = extra.length;
}

/**
 * Compare every table in `specs` of each selected active workspace (the
 * personal one first) with the server: one verdict per workspace and table.
 * Throws BackendError as a sync would, SyncBusyError when a sync keeps the
 * lock past `lockWaitMs`. Read-only unless `repair`; a repair is one
 * transaction per table.
 */
export async function verifyReplica(replica: Replica, direct: Backend, specs: readonly SyncTableSpec[], options: VerifyOptions = {}): Promise<TableVerdict[]> {
  const backend = retryingDroppedCalls(direct);
  const now = options.now ?? Date.now;
  const lock = await acquireSyncLock(replica.path, 'convoy verify', options.lockWaitMs ?? 0);
  try {
    const verdicts: TableVerdict[] = [];
    const selected = listLocalWorkspaces(replica).filter((w) => w.state === 'active' && (options.workspaces === undefined || options.workspaces.includes(w.id)));
    for (const w of selected) {
      const scope: WorkspaceScope = { id: w.id, wire: w.personal ? undefined : w.id };
      for (const spec of specs) {
        const verdict: TableVerdict = { table: spec.name, workspace: w.name, serverCount: 0, replicaCount: 0, diverged: [], unsynced: 0, behind: 0, requests: 0, repulled: 0, requeued: 0 };
        const walk: Walk = { replica, backend, spec, scope, cursor: pullCursor(replica, spec.name, scope.id), verdict, repulls: [] };
        await compare(walk, '');
        if (options.repair) repair(walk, now());
        verdicts.push(verdict);
      }
    }
    return verdicts;
  } finally {
    lock.release();
  }
}
