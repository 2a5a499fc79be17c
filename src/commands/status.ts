import { clientId, queueCounts, readMeta, tableSyncStates } from '../db/sync-state.js';
import type { Context } from '../context.js';
import { paint, relativeTime, table } from '../output/format.js';

export interface StatusOptions {
  json?: boolean;
}

interface DaemonInfo {
  running: boolean;
  pid: number | null;
  lastHeartbeatAt: string | null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function daemonInfo(pidText: string | undefined, heartbeat: string | undefined): DaemonInfo {
  const pid = pidText ? Number(pidText) : null;
  return {
    running: pid !== null && isAlive(pid),
    pid,
    lastHeartbeatAt: heartbeat ? new Date(Number(heartbeat)).toISOString() : null,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `convoy status`: backend, queue, per-table sync state, daemon and replica. */
export async function statusCommand(_options: StatusOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  const config = await ctx.config();
  const kind = config.backendKind();
  const counts = queueCounts(replica);
  const tables = tableSyncStates(replica);
  const daemon = daemonInfo(readMeta(replica, 'daemon.pid'), readMeta(replica, 'daemon.heartbeatAt'));
  const value = {
    backend: kind ? { kind, url: config.get(`${kind}.url`) ?? null } : null,
    ...counts,
    tables: Object.fromEntries(
      Object.entries(tables).map(([name, t]) => [
        name,
        { initialSyncDone: t.initialSyncDone, lastPullAt: iso(t.lastPullAt), lastPushAt: iso(t.lastPushAt), lastError: t.lastError },
      ]),
    ),
    daemon,
    replica: { path: replica.path, clientId: clientId(replica) },
  };
  ctx.reporter.result(value, () => {
    const { color } = ctx.reporter;
    const now = ctx.now();
    const backend = value.backend ? `${value.backend.kind} ${value.backend.url ?? '(no URL set)'}` : 'not configured (convoy init --convex <url>)';
    const rows = [
      ['backend', backend],
      ['pending', String(counts.pending)],
      ['failed', counts.failed ? paint(color, 'red', String(counts.failed)) : '0'],
      ['conflicts', counts.conflicts ? paint(color, 'magenta', String(counts.conflicts)) : '0'],
      ...Object.entries(tables).map(([name, t]) => [
        name,
        t.initialSyncDone ? `last pull ${relativeTime(t.lastPullAt, now)}, last push ${relativeTime(t.lastPushAt, now)}` : 'never synced',
      ]),
      ['daemon', daemon.running ? `running (pid ${daemon.pid})` : 'not running'],
      ['replica', replica.path],
    ];
    return table(rows.map(([k, v]) => [`${k}:`, v!]));
  });
}
