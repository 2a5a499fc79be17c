/**
 * Pull: fetch every table's changes above its cursor in combined requests
 * (one for an idle sync, whatever the number of tables); each table's page
 * and its cursor commit together.
 */
import type { Replica } from '../db/open.js';
import type { SyncTableSpec } from '../db/registry.js';
import { pullCursor, resetPulledState } from '../db/remote.js';
import { clientId } from '../db/sync-state.js';
import { MAX_KNOWN_RANGES, type KnownWrites, type WorkspaceList } from '../schema/protocol.js';
import { PERSONAL_SCOPE, type WorkspaceScope } from './push.js';
import { applyPulledPage } from './apply-page.js';
import type { Backend } from './backend.js';
import { withTransientRetry } from './retry.js';

export const DEFAULT_PAGE_SIZE = 1_000;

export interface PullOptions {
  /** The workspace pulled; default personal. */
  scope?: WorkspaceScope;
  /** Called with the caller's workspaces when an answer carries them (every page of a server that knows workspaces). */
  onWorkspaces?: (list: WorkspaceList) => void;
  pageSize: number;
  now: () => number;
  onPage?: (table: string, pulled: number) => void;
  /** Versions this replica got back from its own pushes in this sync (they need not come back: no echo). */
  knownVersions?: number[];
}

/**
 * Pull every change of `specs` in the scope's workspace. A table whose cursor is above the server's
 * head means the server was reset: that table is pulled again from scratch
 * (the outbox is kept, so local changes still push), and nothing is left
 * out as known from then on. Returns how many records were applied.
 */
export async function pullTables(replica: Replica, backend: Backend, specs: readonly SyncTableSpec[], options: PullOptions): Promise<number> {
  let pulled = 0;
  let known: KnownWrites | undefined = knownWrites(clientId(replica), options.knownVersions ?? []);
  const due = new Map(specs.map((spec) => [spec.name, spec]));
  const resets = new Set<string>();
  const counts = new Map<string, number>();
  const scope = options.scope ?? PERSONAL_SCOPE;
  const workspace = scope.wire === undefined ? {} : { workspace: scope.wire };
  while (due.size > 0) {
    const cursors = Object.fromEntries([...due.keys()].map((name) => [name, pullCursor(replica, name, scope.id)]));
    const request = known === undefined ? { ...workspace, cursors, limit: options.pageSize } : { ...workspace, cursors, limit: options.pageSize, known };
    const answer = await withTransientRetry(() => backend.pullAll(request));
    if (answer.workspaces) options.onWorkspaces?.(answer.workspaces);
    const before = due.size;
    let moved = false;
    for (const [name, spec] of [...due]) {
      const page = answer.tables[name];
      if (page === undefined) throw new Error(`the server's combined pull left out table ${name}`);
      if (answer.headVersion < cursors[name]! && !resets.has(name)) {
        resets.add(name);
        known = undefined;
        resetPulledState(replica, spec, scope.id);
        continue;
      }
      const applied = applyPulledPage(replica, spec, { ...page, headVersion: answer.headVersion }, options.now(), scope.id);
      pulled += applied;
      counts.set(name, (counts.get(name) ?? 0) + applied);
      options.onPage?.(name, counts.get(name)!);
      moved ||= page.cursor !== cursors[name];
      if (!page.hasMore) due.delete(name);
    }
    // A server that says "more" without moving any cursor would keep us here forever.
    if (due.size === before && !moved && resets.size === 0) throw new Error('the server answered "more" without moving any cursor');
  }
  return pulled;
}

/** The versions as inclusive ranges (what the server takes), or undefined when there are none or too many. */
export function knownWrites(client: string, versions: number[]): KnownWrites | undefined {
  if (versions.length === 0) return undefined;
  const sorted = [...versions].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const v of sorted) {
    const last = ranges.at(-1);
    if (last !== undefined && v <= last[1] + 1) last[1] = Math.max(last[1], v);
    else ranges.push([v, v]);
  }
  return ranges.length > MAX_KNOWN_RANGES ? undefined : { clientId: client, versions: ranges };
}
