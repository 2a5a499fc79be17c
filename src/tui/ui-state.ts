/**
 * The board's UI state (what is focused, selected, open, typed) and the
 * derived columns. Pure.
 */
import type { TaskView } from '../db/views.js';
import type { TaskStatus } from '../schema/tables.js';
import type { BoardData } from './board-data.js';
import { EMPTY_CURSORS, visibleStatuses, type Cursors } from './board-state.js';
import type { Notice } from './sync-messages.js';

export type InputPurpose = 'new' | 'edit' | 'filter' | 'tag' | 'note';

export type Mode =
  | { kind: 'board' }
  | { kind: 'input'; purpose: InputPurpose; value: string; taskId: string | null; status: TaskStatus; fromDetail?: boolean }
  | { kind: 'detail'; taskId: string }
  | { kind: 'conflicts'; index: number }
  | { kind: 'help' };

export interface UiState {
  mode: Mode;
  /** Index of the focused column among the visible ones. */
  focus: number;
  cursors: Cursors;
  showCanceled: boolean;
  /** Text filter on title and description ('' = none). */
  filter: string;
  notice: Notice | null;
}

export const INITIAL_UI: UiState = { mode: { kind: 'board' }, focus: 0, cursors: EMPTY_CURSORS, showCanceled: false, filter: '', notice: null };

/** A column as drawn: its size and the loaded window of its rows. */
export interface Column {
  status: TaskStatus;
  /** Cards in the column (most are not loaded). */
  count: number;
  /** Position in the column of `rows[0]`. */
  start: number;
  /** The loaded cards around the selection, newest first. */
  rows: TaskView[];
  /** Position of the selected card, -1 when empty. */
  selected: number;
}

export function boardColumns(board: BoardData, ui: UiState): Column[] {
  return visibleStatuses(ui.showCanceled).map((status) => {
    const data = board.columns[status] ?? { count: 0, start: 0, rows: [], cursor: { id: null, index: 0 } };
    return { status, count: data.count, start: data.start, rows: data.rows, selected: data.count === 0 ? -1 : data.cursor.index };
  });
}

/** The loaded card at position `index` of a column, if any. */
export const cardAt = (column: Column, index: number): TaskView | undefined => (index >= column.start ? column.rows[index - column.start] : undefined);

export function focusedColumn(columns: Column[], ui: UiState): Column {
  return columns[Math.min(ui.focus, columns.length - 1)]!;
}

export function selectedTask(columns: Column[], ui: UiState): TaskView | null {
  const column = focusedColumn(columns, ui);
  return cardAt(column, column.selected) ?? null;
}
