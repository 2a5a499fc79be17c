import { openConfigReadOnly } from '../config/read-only.js';
import { cycleInput, readCycles } from '../db/cycles.js';
import { shortIds } from '../db/lookup.js';
import { specFor, SYNC_TABLES } from '../db/registry.js';
import { clientId } from '../db/sync-state.js';
import type { Context } from '../context.js';
import { iso, paint, relativeTime, table } from '../output/format.js';
import { cycleWarning } from '../output/task-text.js';
import { syncOverview } from '../sync/overview.js';
import { statusWorkspaces } from './workspace-scope.js';

export interface StatusOptions {
  json?: boolean;
}


/** `convoy status`: backend, queue, per-table sync state, daemon and replica. */
export async function statusCommand(_options: StatusOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  const { backend, tables, daemon: rawDaemon, ...counts } = syncOverview(replica, openConfigReadOnly(ctx.paths, ctx.env, (message) => ctx.reporter.note(message)).backendInfo());
  const daemon = { ...rawDaemon, lastHeartbeatAt: iso(rawDaemon.lastHeartbeatAt), lastSyncAt: iso(rawDaemon.lastSyncAt) };
  const { known, ...workspaces } = statusWorkspaces(ctx);
  const value = {
    backend,
    ...counts,
    tables: Object.fromEntries(
      Object.entries(tables).map(([name, t]) => [
        name,
        { initialSyncDone: t.initialSyncDone, lastPullAt: iso(t.lastPullAt), lastPushAt: iso(t.lastPushAt), lastError: t.lastError },
      ]),
    ),
    daemon,
    ...workspaces,
    replica: { path: replica.path, clientId: clientId(replica) },
    // Reference cycles merged from offline edits (A's parent B, B's parent A; blocked-by likewise): shown, never followed.
    cycles: readCycles(replica, SYNC_TABLES),
  };
  ctx.reporter.result(value, () => {
    const { color } = ctx.reporter;
    const now = ctx.now();
    const backend = value.backend ? `${value.backend.kind} ${value.backend.url ?? '(no URL set)'}` : 'not configured (convoy init --convex <url> or --supabase <url>)';
    const shared = value.workspaces.length - 1;
    const others = shared > 0 ? ` · ${shared} shared ${shared === 1 ? 'workspace' : 'workspaces'} (convoy workspace list)` : '';
    const unknown = known ? '' : paint(color, 'red', ' (not known here: convoy sync, or convoy workspace use personal)');
    const rows = [
      ['workspace', `${value.workspace.name}${unknown}${others}`],
      ['backend', backend],
      ['pending', String(counts.pending)],
      ['failed', counts.failed ? paint(color, 'red', String(counts.failed)) : '0'],
      ['conflicts', counts.conflicts ? paint(color, 'magenta', String(counts.conflicts)) : '0'],
      ...Object.entries(tables).map(([name, t]) => [
        name,
        t.initialSyncDone ? `last pull ${relativeTime(t.lastPullAt, now)}, last push ${relativeTime(t.lastPushAt, now)}` : 'never synced',
      ]),
      ['daemon', daemon.running ? `running (pid ${daemon.pid}, last sync ${relativeTime(rawDaemon.lastSyncAt, now)})` : 'not running'],
      ['replica', replica.path],
    ];
    const warnings = value.cycles.map((c) => {
      const short = shortIds(replica, specFor(c.table), c.ids);
      return cycleWarning(cycleInput(c), c.ids.map((id) => short.get(id) ?? id), color);
    });
    return [table(rows.map(([k, v]) => [`${k}:`, v!])), ...warnings].join('\n');
  });
}
