/**
 * The board's state and behaviour: UI state in a ref (key handlers must see
 * the newest state even when several keys arrive before a re-render), live
 * data, the sync runner, and the key dispatcher wired to Ink's input.
 */
import { useCallback, useReducer, useRef } from 'react';
import { pinnedCursors, type BoardData } from '../board-data.js';
import type { Controller } from '../controller.js';
import { useInk } from '../ink.js';
import { handleKey } from '../keys.js';
import type { BoardModel } from '../model.js';
import type { Notice } from '../sync-messages.js';
import { INITIAL_UI, type UiState } from '../ui-state.js';
import { useLiveData, type LiveData, type LiveOptions, type View } from './use-live-data.js';
import { useSyncRunner, type SyncRunner } from './use-sync-runner.js';

export interface Board {
  ui: UiState;
  data: LiveData;
  sync: SyncRunner;
}

/** `cardLines`: cards a column shows at once. */
export function useBoard(model: BoardModel, cardLines: number, live: LiveOptions = {}): Board {
  const { useApp, useInput } = useInk();
  const { exit } = useApp();
  const ui = useRef<UiState>(INITIAL_UI);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const update = useCallback((change: (current: UiState) => UiState) => {
    ui.current = change(ui.current);
    rerender();
  }, []);
  // Keep the selection on its card when tasks arrive or leave (before they are drawn).
  const onBoard = useCallback((board: BoardData) => {
    const cursors = pinnedCursors(ui.current.cursors, board);
    if (cursors !== ui.current.cursors) ui.current = { ...ui.current, cursors };
  }, []);
  const view = useCallback(
    (): View => ({ search: ui.current.filter, cursors: ui.current.cursors, showCanceled: ui.current.showCanceled, height: cardLines }),
    [cardLines],
  );
  const data = useLiveData(model, view, { ...live, onBoard });
  const notify = useCallback((notice: Notice) => update((u) => ({ ...u, notice })), [update]);
  const sync = useSyncRunner(model, notify, data.refresh);
  const controller: Controller = {
    model,
    ui: () => ui.current,
    update,
    board: () => data.latest().board,
    refresh: data.refresh,
    sync: sync.start,
    exit: () => exit(),
    // The "n more" lines take two of the column's lines.
    pageSize: Math.max(1, cardLines - 2),
  };
  useInput((input, key) => handleKey(controller, input, key));
  return { ui: ui.current, data, sync };
}
