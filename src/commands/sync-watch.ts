import { runHook } from '../hooks.js';
import { statSync } from 'node:fs';
import type { Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Backend } from '../sync/backend.js';
import type { WatchEvent } from '../sync/watch.js';
import { leftMessage, resolveBatchSize } from './sync.js';
import { selectedWorkspaces } from './sync-selection.js';

export interface WatchCommandOptions {
  interval?: string;
  logFormat?: string;
  batch?: string;
  /** Sync only this workspace (name or id). */
  workspace?: string;
}

/** Process-level hooks the CLI wires to signals: stop (SIGINT/SIGTERM) and reload (SIGHUP). */
export interface Lifecycle {
  stop: AbortSignal;
  onReload(listener: () => void): void;
}

function formatEvent(event: WatchEvent, format: 'text' | 'json', now: Date): string {
  if (format === 'json') return JSON.stringify({ time: now.toISOString(), ...event });
  const time = now.toISOString();
  switch (event.event) {
    case 'start':
      return `${time} daemon started (pid ${event.pid}, pull every ${event.intervalMs / 1000} s)`;
    case 'sync':
      return `${time} ${event.mode === 'push' ? 'pushed' : 'synced'}: pushed ${event.pushed}, pulled ${event.pulled}, conflicts ${event.conflicts}, failed ${event.failed} (${event.durationMs} ms)`;
    case 'offline':
      return `${time} offline: ${event.error}; retrying with backoff (next in ${Math.round(event.retryInMs / 1000)} s), changes stay queued`;
    case 'online':
      return `${time} back online`;
    case 'error':
      return `${time} error: ${event.error}; retrying in ${Math.round(event.retryInMs / 1000)} s`;
    case 'reload':
      return `${time} SIGHUP: configuration will be re-read before the next sync`;
    case 'auth':
      return `${time} the server refused the credentials: ${event.error}. Waiting: fix the config, then send SIGHUP (kill -HUP ${process.pid}) or save the config file`;
    case 'left':
      return `${time} ${leftMessage({ id: '', name: event.workspace, kept: event.kept, justLeft: true })}`;
    case 'stop':
      return `${time} daemon stopped (${event.reason})`;
  }
}

/** When `path` last changed (0 when missing): part of the stamp that tells the loop the config may be fixed. */
function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function parseInterval(raw: string | undefined): number {
  const value = raw ?? '10';
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < 1 || Number(value) > 86_400) {
    throw new UsageError(`--interval "${value}" must be a number of seconds from 1 to 86400`);
  }
  return Number(value) * 1000;
}

/**
 * `convoy sync --watch`: run the sync daemon until SIGINT/SIGTERM (exit 0).
 * Refuses to start when another daemon runs on this replica.
 */
export async function syncWatchCommand(options: WatchCommandOptions, ctx: Context, lifecycle: Lifecycle): Promise<number> {
  const format = options.logFormat ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--log-format "${format}" must be text or json`);
  const intervalMs = parseInterval(options.interval);
  const batchSize = await resolveBatchSize(options.batch, ctx);
  const { acquireDaemonLock } = await import('../sync/lock.js');
  const { runWatch } = await import('../sync/watch.js');
  const replica = ctx.replica();
  const lock = await acquireDaemonLock(replica.path);
  const log = (event: WatchEvent) => {
    ctx.reporter.note(formatEvent(event, format, new Date(ctx.now())));
    // The daemon's syncs run the on-sync hook too (after the sync committed; never awaited: a slow hook holds up nothing).
    if (event.event === 'sync') void runHook(ctx, 'on-sync', { pushed: event.pushed, pulled: event.pulled, conflicts: event.conflicts, failed: event.failed, durationMs: event.durationMs });
  };
  let backend: Promise<Backend> | null = null;
  let reloads = 0;
  // SIGHUP only bumps the stamp; the next cycle sees it and builds a backend from the config as it is then.
  lifecycle.onReload(() => {
    reloads++;
    log({ event: 'reload' });
  });
  try {
    await ctx.backend(); // fail fast (exit 5) when nothing is configured
    const { files } = await ctx.config();
    const configStamp = () => [reloads, ...[files.config, files.secrets].map(modifiedAt)].join(':');
    let backendStamp = configStamp();
    const currentBackend = () => {
      const stamp = configStamp();
      if (stamp !== backendStamp) {
        const old = backend;
        backend = null;
        backendStamp = stamp;
        void old?.then((b) => b.close()).catch(() => undefined);
      }
      return (backend ??= ctx.createBackend());
    };
    await runWatch(replica, {
      configStamp,
      intervalMs,
      backend: currentBackend,
      policies: async () => (await ctx.config()).policies(),
      // Re-read each cycle, so a SIGHUP after config set sync.workspaces takes effect.
      workspaces: () => selectedWorkspaces(ctx, options.workspace, currentBackend),
      batchSize,
      log,
      stop: lifecycle.stop,
      now: ctx.now,
    });
    log({ event: 'stop', reason: 'signal' });
  } finally {
    lock.release();
  }
  return ExitCode.ok;
}
