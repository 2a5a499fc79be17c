/**
 * The board's data, kept live: tasks reload when another process commits to
 * the replica (`PRAGMA data_version`, polled — one cheap query) and after the
 * board's own writes (`refresh`); the sync overview also reloads every
 * second so relative times and the daemon's liveness stay true (redrawing
 * only when something shown changed).
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { TaskView } from '../../db/views.js';
import { relativeTime } from '../../output/format.js';
import { lastSyncAt, type SyncOverview } from '../../sync/overview.js';
import type { BoardModel } from '../model.js';

export interface Snapshot {
  tasks: TaskView[];
  overview: SyncOverview;
  now: number;
  /** Why the last reload failed, if it did (shown, never thrown). */
  error: string | null;
}

export interface LiveData extends Snapshot {
  refresh(): void;
  /** The newest snapshot, for key handlers that run before the next render. */
  latest(): Snapshot;
}

export interface LiveOptions {
  pollMs?: number;
  tickMs?: number;
  /** Called with freshly loaded tasks, before they are rendered. */
  onTasks?: (tasks: TaskView[]) => void;
}

function load(model: BoardModel, search: string, previous: Snapshot | null, tasksToo: boolean, onTasks?: (tasks: TaskView[]) => void): Snapshot {
  try {
    const tasks = tasksToo || !previous ? model.tasks(search) : previous.tasks;
    if (tasks !== previous?.tasks) onTasks?.(tasks);
    return { tasks, overview: model.overview(), now: model.now(), error: null };
  } catch (error) {
    if (!previous) throw error;
    return { ...previous, error: `could not read the replica: ${(error as Error).message}` };
  }
}

/** Whether a periodic reload would draw the same screen (same overview, same "last sync … ago"). */
function looksTheSame(before: Snapshot, after: Snapshot): boolean {
  if (before.error !== after.error || JSON.stringify(before.overview) !== JSON.stringify(after.overview)) return false;
  const last = lastSyncAt(after.overview.tables);
  return relativeTime(last, before.now) === relativeTime(last, after.now);
}

export function useLiveData(model: BoardModel, search: string, options: LiveOptions = {}): LiveData {
  const { pollMs = 250, tickMs = 1000, onTasks } = options;
  const snapshot = useRef<Snapshot | null>(null);
  snapshot.current ??= load(model, search, null, true, onTasks);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const refresh = useCallback(() => {
    snapshot.current = load(model, search, snapshot.current, true, onTasks);
    rerender();
  }, [model, search, onTasks]);
  useEffect(() => refresh(), [refresh]);
  useEffect(() => {
    let version = model.version();
    const poll = setInterval(() => {
      try {
        const seen = model.version();
        if (seen !== version) refresh();
        version = seen;
      } catch {
        // A closed replica (the board is exiting): nothing to refresh.
      }
    }, pollMs);
    const tick = setInterval(() => {
      const next = load(model, search, snapshot.current, false, onTasks);
      if (looksTheSame(snapshot.current!, next)) return; // an idle board stays idle
      snapshot.current = next;
      rerender();
    }, tickMs);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [model, search, onTasks, refresh, pollMs, tickMs]);
  return { ...snapshot.current, refresh, latest: () => snapshot.current! };
}
