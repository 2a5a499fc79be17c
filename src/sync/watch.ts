/**
 * The sync daemon's loop (`convoy sync --watch`): push within a second of a
 * local write by any process, pull on an interval, back off while offline,
 * and leave a heartbeat for `convoy status` and the board.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { dataVersion } from '../db/data-version.js';
import type { Replica } from '../db/open.js';
import { hasDueOps } from '../db/outbox.js';
import { writeMeta } from '../db/sync-state.js';
import { listLocalWorkspaces } from '../db/workspaces.js';
import { BackendError } from '../errors.js';
import type { Backend } from './backend.js';
import { backoffMs } from './conflict.js';
import { syncOnce, type SyncMode, type SyncSummary } from './engine.js';
import { SyncBusyError } from './lock.js';
import type { PolicyOverrides } from './push.js';

export interface WatchOptions {
  /** Pull interval. */
  intervalMs: number;
  /** How often to look for writes by other processes (PRAGMA data_version). */
  pollMs?: number;
  heartbeatMs?: number;
  /** Current backend; called again after `reload()` (SIGHUP). */
  backend: () => Promise<Backend>;
  policies?: () => Promise<PolicyOverrides>;
  /** The workspaces synced, by local id (config sync.workspaces), read each cycle; undefined: every active one. */
  workspaces?: () => Promise<readonly string[] | undefined>;
  batchSize?: number;
  /**
   * Changes whenever the configuration may have been fixed (a SIGHUP, an
   * edited config file). After the server refuses the credentials the loop
   * waits for it to change instead of asking again.
   */
  configStamp?: () => string;
  /** One log record per event that did something; the caller formats it. */
  log: (event: WatchEvent) => void;
  /** Aborted to stop: the loop finishes (or abandons, after `graceMs`) its cycle and returns. */
  stop: AbortSignal;
  graceMs?: number;
  now?: () => number;
}

export type WatchEvent =
  | { event: 'start'; pid: number; intervalMs: number }
  | { event: 'sync'; mode: SyncMode; pushed: number; pulled: number; conflicts: number; failed: number; durationMs: number }
  | { event: 'offline'; error: string; retryInMs: number }
  | { event: 'online' }
  | { event: 'error'; error: string; retryInMs: number }
  | { event: 'auth'; error: string }
  | { event: 'left'; workspace: string; kept: number }
  | { event: 'reload' }
  | { event: 'stop'; reason: string };

/** True when another process committed since the last call (cheap: no I/O beyond the WAL index). */
function changeDetector(replica: Replica): () => boolean {
  let last = dataVersion(replica);
  return () => {
    const current = dataVersion(replica);
    const changed = current !== last;
    last = current;
    return changed;
  };
}

interface LoopState {
  /** The backend we hold live subscriptions on (one per workspace synced, by the key `liveKey` gives), if it offers them. */
  live: { backend: Backend; key: string; unsubscribe: () => void } | null;
  /** The workspaces the last cycle synced (local ids; undefined: every active one): what a due op must belong to. */
  selected: readonly string[] | undefined;
  nextPullAt: number;
  failures: number;
  retryAt: number;
  lastAttemptAt: number;
  lastHeartbeatAt: number;
  lastDueCheckAt: number;
  /** The config stamp when the server refused the credentials; null while they are accepted. */
  refusedAt: string | null;
}

/** Decide what, if anything, this tick should do. */
function plan(state: LoopState, localChange: boolean, dueOps: boolean, now: number): SyncMode | null {
  if (state.failures > 0) {
    // Offline: wait out the backoff, but probe early (at most once a second) after a local write.
    const probe = localChange && now - state.lastAttemptAt >= 1_000;
    return now >= state.retryAt || probe ? 'both' : null;
  }
  if (now >= state.nextPullAt) return 'both';
  return dueOps ? 'push' : null;
}

function didWork(s: SyncSummary): boolean {
  return s.pushed + s.pulled + s.conflicts + s.rejected > 0;
}

/**
 * Pull as soon as the head of a workspace synced moves, where the backend
 * has a live feed: one subscription per workspace (the personal one without
 * a workspace argument, as before workspaces), renewed when the set changes.
 * The interval still runs, so a silent feed costs freshness, never data.
 */
function followLive(replica: Replica, state: LoopState, backend: Backend): void {
  if (!backend.subscribe) return;
  const followed = listLocalWorkspaces(replica).filter((w) => w.state === 'active' && (state.selected === undefined || state.selected.includes(w.id)));
  const key = followed.map((w) => w.id).join(',');
  if (state.live?.backend === backend && state.live.key === key) return;
  state.live?.unsubscribe();
  const onChange = () => void (state.nextPullAt = 0);
  const stops = followed.map((w) => (w.personal ? backend.subscribe!(onChange) : backend.subscribe!(onChange, w.id)));
  state.live = { backend, key, unsubscribe: () => stops.forEach((stop) => stop()) };
}

/** Run one cycle and update the loop state; never throws for backend trouble. */
async function cycle(replica: Replica, options: WatchOptions, state: LoopState, mode: SyncMode): Promise<void> {
  const now = options.now ?? Date.now;
  state.lastAttemptAt = now();
  try {
    const backend = await options.backend();
    state.selected = await options.workspaces?.();
    const summary = await syncOnce(replica, backend, {
      mode,
      now,
      owner: 'daemon',
      batchSize: options.batchSize,
      policies: await options.policies?.(),
      workspaces: state.selected,
    });
    if (state.failures > 0) options.log({ event: 'online' });
    state.failures = 0;
    followLive(replica, state, backend);
    for (const w of summary.left) if (w.justLeft) options.log({ event: 'left', workspace: w.name, kept: w.kept });
    if (mode === 'both') state.nextPullAt = now() + options.intervalMs;
    writeMeta(replica, 'daemon.lastSyncAt', String(now()), now());
    if (didWork(summary)) {
      const { pushed, pulled, conflicts, failed, durationMs } = summary;
      options.log({ event: 'sync', mode, pushed, pulled, conflicts, failed, durationMs });
    }
  } catch (error) {
    if (error instanceof SyncBusyError) return; // a manual sync is running: it does the work
    if (error instanceof BackendError && error.auth) {
      // Asking again with the same credentials only hammers the server: say how to fix it, once, and wait.
      state.refusedAt = options.configStamp?.() ?? '';
      options.log({ event: 'auth', error: (error as Error).message });
      return;
    }
    state.failures++;
    const retryInMs = backoffMs(state.failures, { baseMs: 1_000, capMs: 60_000 });
    state.retryAt = now() + retryInMs;
    const message = (error as Error).message;
    const offline = error instanceof BackendError && (error.offline || error.retryable);
    // Log the transition (and unexpected errors every time), not every retry.
    if (!offline) options.log({ event: 'error', error: message, retryInMs });
    else if (state.failures === 1) options.log({ event: 'offline', error: message, retryInMs });
  }
}

/**
 * True while the server's refusal of the credentials stands: the config has
 * not changed since. Once it has, clears the refusal so the next tick syncs.
 */
function waitingForFix(state: LoopState, options: WatchOptions): boolean {
  if (state.refusedAt === null) return false;
  if (state.refusedAt === (options.configStamp?.() ?? '')) return true;
  Object.assign(state, { refusedAt: null, nextPullAt: 0, failures: 0 }); // fixed, maybe: try again now
  return false;
}

function heartbeat(replica: Replica, state: LoopState, options: WatchOptions): void {
  const now = (options.now ?? Date.now)();
  if (now - state.lastHeartbeatAt < (options.heartbeatMs ?? 5_000)) return;
  state.lastHeartbeatAt = now;
  writeMeta(replica, 'daemon.heartbeatAt', String(now), now);
}

/**
 * Run until `options.stop` is aborted. A cycle in flight at stop is given
 * `graceMs` to finish; abandoning it is safe (pushes are idempotent and every
 * local step is one transaction), so nothing is lost either way.
 */
export async function runWatch(replica: Replica, options: WatchOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const changed = changeDetector(replica);
  const state: LoopState = { live: null, selected: undefined, nextPullAt: 0, failures: 0, retryAt: 0, lastAttemptAt: 0, lastHeartbeatAt: 0, lastDueCheckAt: 0, refusedAt: null };
  options.log({ event: 'start', pid: process.pid, intervalMs: options.intervalMs });
  // One listener for the daemon's life (one per cycle would pile up on the signal).
  const stopped = new Promise<void>((resolve) => options.stop.addEventListener('abort', () => resolve(), { once: true }));
  while (!options.stop.aborted) {
    heartbeat(replica, state, options);
    const localChange = changed();
    // Due ops appear through local writes, or when a rejected op's backoff ends: no need to look every tick.
    const look = localChange || now() - state.lastDueCheckAt >= 2_000;
    if (look) state.lastDueCheckAt = now();
    const mode = waitingForFix(state, options) ? null : plan(state, localChange, look && hasDueOps(replica, now(), state.selected), now());
    if (mode) {
      const running = cycle(replica, options, state, mode);
      await Promise.race([running, stopped]);
      if (options.stop.aborted) await Promise.race([running, sleep(options.graceMs ?? 4_000)]);
    }
    await sleep(options.pollMs ?? 200, undefined, { signal: options.stop }).catch(() => undefined);
  }
  state.live?.unsubscribe();
}
