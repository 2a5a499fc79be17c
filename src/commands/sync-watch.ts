import type { Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Backend } from '../sync/backend.js';
import type { WatchEvent } from '../sync/watch.js';
import { resolveBatchSize } from './sync.js';

export interface WatchCommandOptions {
  interval?: string;
  logFormat?: string;
  batch?: string;
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
    case 'stop':
      return `${time} daemon stopped (${event.reason})`;
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
  const log = (event: WatchEvent) => ctx.reporter.note(formatEvent(event, format, new Date(ctx.now())));
  let backend: Promise<Backend> | null = null;
  lifecycle.onReload(() => {
    // SIGHUP: drop the backend so the next cycle reads config afresh.
    const old = backend;
    backend = null;
    void old?.then((b) => b.close()).catch(() => undefined);
    log({ event: 'reload' });
  });
  try {
    await ctx.backend(); // fail fast (exit 5) when nothing is configured
    await runWatch(replica, {
      intervalMs,
      backend: () => (backend ??= ctx.createBackend()),
      policies: async () => (await ctx.config()).policies(),
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
