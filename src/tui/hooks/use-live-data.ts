/**
 * The board's data, kept live: the column counts and the rows on screen
 * (src/tui/board-data.ts) reload when another process commits to the
 * replica (`PRAGMA data_version`, polled — one cheap query) and after the
 * board's own writes (`refresh`); moving the selection loads only the moved
 * column's window. The sync overview also reloads every second so relative
 * times and the daemon's liveness stay true (redrawing only when something
 * shown changed).
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { relativeTime } from '../../output/format.js';
import { lastSyncAt, type SyncOverview } from '../../sync/overview.js';
import { loadBoard, type BoardData } from '../board-data.js';
import { visibleStatuses, type Cursors } from '../board-state.js';
import type { BoardModel } from '../model.js';

export interface Snapshot {
  board: BoardData;
  overview: SyncOverview;
  now: number;
  /** Why the last reload failed, if it did (shown, never thrown). */
  error: string | null;
}

/** What the board shows, as far as loading is concerned. */
export interface View {
  search: string;
  cursors: Cursors;
  showCanceled: boolean;
  /** Cards a column can show. */
  height: number;
}

export interface LiveData extends Snapshot {
  refresh(): void;
  /** The newest snapshot for the view as it is now (loading what the view moved to), for key handlers that run before the next render. */
  latest(): Snapshot;
}

export interface LiveOptions {
  pollMs?: number;
  tickMs?: number;
  /** Called with freshly loaded columns, before they are rendered (to pin the cursors to their cards). */
  onBoard?: (board: BoardData) => void;
}

/** `changed`: the replica changed (reload counts and every column); else only columns whose cursor moved. */
function load(model: BoardModel, view: View, previous: Snapshot | null, changed: boolean, onBoard?: (board: BoardData) => void): Snapshot {
  try {
    const statuses = visibleStatuses(view.showCanceled);
    const board = loadBoard(model, view.search, statuses, view.cursors, view.height, previous?.board ?? null, changed);
    onBoard?.(board);
    const overview = changed || !previous ? model.overview() : previous.overview;
    return { board, overview, now: changed || !previous ? model.now() : previous.now, error: null };
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

/** Whether `snapshot` was loaded for `view` (else the view moved: a cursor, the filter, the Canceled column). */
function fits(snapshot: Snapshot, view: View): boolean {
  const { board } = snapshot;
  if (board.search !== view.search) return false;
  return visibleStatuses(view.showCanceled).every((status) => {
    const column = board.columns[status];
    return column !== undefined && column.cursor.id === view.cursors[status].id && column.cursor.index === view.cursors[status].index;
  });
}

export function useLiveData(model: BoardModel, view: () => View, options: LiveOptions = {}): LiveData {
  const { pollMs = 250, tickMs = 1000, onBoard } = options;
  const snapshot = useRef<Snapshot | null>(null);
  snapshot.current ??= load(model, view(), null, true, onBoard);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const latest = useCallback((): Snapshot => {
    const current = snapshot.current!;
    const now = view();
    if (fits(current, now)) return current;
    // A search is a different set of rows: counts and positions are looked up again.
    snapshot.current = load(model, now, current, current.board.search !== now.search, onBoard);
    return snapshot.current;
  }, [model, view, onBoard]);
  const refresh = useCallback(() => {
    snapshot.current = load(model, view(), snapshot.current, true, onBoard);
    rerender();
  }, [model, view, onBoard]);
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
      const current = snapshot.current!;
      let next: Snapshot;
      try {
        next = { ...current, overview: model.overview(), now: model.now(), error: null };
      } catch (error) {
        next = { ...current, error: `could not read the replica: ${(error as Error).message}` };
      }
      if (looksTheSame(current, next)) return; // an idle board stays idle
      snapshot.current = next;
      rerender();
    }, tickMs);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [model, refresh, pollMs, tickMs]);
  return { ...latest(), refresh, latest };
}
