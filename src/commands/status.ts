import { openConfigReadOnly } from '../config/read-only.js';
import { shortIds } from '../db/lookup.js';
import { specFor } from '../db/registry.js';
import { clientId } from '../db/sync-state.js';
import { setCycles } from '../db/task-cycles.js';
import { tasks } from '../schema/tables.js';
import type { Context } from '../context.js';
import { iso, paint, relativeTime, table } from '../output/format.js';
import { syncOverview } from '../sync/overview.js';

export interface StatusOptions {
  json?: boolean;
}


function cycleWarnings(replica: ReturnType<Context['replica']>): string[] {
  const cycles = setCycles(replica);
  if (cycles.length === 0) return [];
  const short = shortIds(replica, specFor(tasks.name), cycles.flatMap((c) => c.ids));
  return cycles.map((c) => `${c.kind} cycle (merged from two replicas): ${c.ids.map((id) => short.get(id) ?? id).join(' → ')}`);
}

/** `convoy status`: backend, queue, per-table sync state, daemon and replica. */
export async function statusCommand(_options: StatusOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  const { backend, tables, daemon: rawDaemon, ...counts } = syncOverview(replica, openConfigReadOnly(ctx.paths, ctx.env, (message) => ctx.reporter.note(message)).backendInfo());
  const daemon = { ...rawDaemon, lastHeartbeatAt: iso(rawDaemon.lastHeartbeatAt), lastSyncAt: iso(rawDaemon.lastSyncAt) };
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
    replica: { path: replica.path, clientId: clientId(replica) },
    // Cycles two replicas' offline edits closed together (task-cycles.ts).
    warnings: cycleWarnings(replica),
  };
  ctx.reporter.result(value, () => {
    const { color } = ctx.reporter;
    const now = ctx.now();
    const backend = value.backend ? `${value.backend.kind} ${value.backend.url ?? '(no URL set)'}` : 'not configured (convoy init --convex <url> or --supabase <url>)';
    const rows = [
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
    const warnings = value.warnings.map((w) => paint(color, 'yellow', `warning: ${w}; break it with convoy update <id> --unblock <id>`));
    return [table(rows.map(([k, v]) => [`${k}:`, v!])), ...warnings].join('\n');
  });
}
