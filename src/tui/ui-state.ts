/**
 * The board's UI state (what is focused, selected, open, typed) and the
 * derived columns. Pure.
 */
import type { TaskView } from '../db/views.js';
import type { TaskStatus } from '../schema/tables.js';
import { EMPTY_CURSORS, groupByStatus, selectedIndex, visibleStatuses, type Cursors } from './board-state.js';
import type { Notice } from './sync-messages.js';

export type InputPurpose = 'new' | 'edit' | 'filter';

export type Mode =
  | { kind: 'board' }
  | { kind: 'input'; purpose: InputPurpose; value: string; taskId: string | null; status: TaskStatus }
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

export interface Column {
  status: TaskStatus;
  tasks: TaskView[];
  /** Index of the selected card, -1 when empty. */
  selected: number;
}

export function boardColumns(tasks: TaskView[], ui: UiState): Column[] {
  const groups = groupByStatus(tasks);
  return visibleStatuses(ui.showCanceled).map((status) => ({
    status,
    tasks: groups[status],
    selected: selectedIndex(groups[status], ui.cursors[status]),
  }));
}

export function focusedColumn(columns: Column[], ui: UiState): Column {
  return columns[Math.min(ui.focus, columns.length - 1)]!;
}

export function selectedTask(columns: Column[], ui: UiState): TaskView | null {
  const column = focusedColumn(columns, ui);
  return column.tasks[column.selected] ?? null;
}
