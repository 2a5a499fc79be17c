/**
 * Pure board logic: which columns show, which card is selected, what part
 * of a long column is visible, where a task moves. No React, no Ink, no
 * database (src/tui/board-data.ts loads what is shown).
 */
import type { TaskStatus } from '../schema/tables.js';

export const COLUMN_TITLES: Record<TaskStatus, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
  canceled: 'Canceled',
};

export function visibleStatuses(showCanceled: boolean): TaskStatus[] {
  return showCanceled ? ['todo', 'in_progress', 'done', 'canceled'] : ['todo', 'in_progress', 'done'];
}

/** A column's selection: the task id, and its index to fall back on when that task leaves the column. */
export interface Cursor {
  id: string | null;
  index: number;
}

export type Cursors = Record<TaskStatus, Cursor>;

export const EMPTY_CURSORS: Cursors = {
  todo: { id: null, index: 0 },
  in_progress: { id: null, index: 0 },
  done: { id: null, index: 0 },
  canceled: { id: null, index: 0 },
};

/**
 * The cursor after moving `delta` cards from `selected` (clamped to a column
 * of `count` cards); `idAt` names the card at a position when it is loaded.
 */
export function stepCursor(count: number, selected: number, delta: number, idAt: (index: number) => string | undefined): Cursor {
  if (count === 0) return { id: null, index: 0 };
  const index = Math.min(Math.max(0, Math.max(0, selected) + delta), count - 1);
  return { id: idAt(index) ?? null, index };
}

/** The status a task moves to with `[` (-1) or `]` (+1) among the visible columns, or null at an end. */
export function moveTarget(status: TaskStatus, direction: -1 | 1, statuses: TaskStatus[]): TaskStatus | null {
  const at = statuses.indexOf(status);
  if (at < 0) return null;
  return statuses[at + direction] ?? null;
}

export interface ScrollWindow {
  start: number;
  end: number;
  /** Cards hidden above and below (each shown as a "n more" line). */
  above: number;
  below: number;
}

/**
 * Which cards of a column `height` lines tall are drawn so that `selected`
 * stays visible. When the column overflows, a line at the top and/or bottom
 * says how many cards are hidden there.
 */
export function scrollWindow(count: number, selected: number, height: number): ScrollWindow {
  if (count <= height) return { start: 0, end: count, above: 0, below: 0 };
  // Too short for "more" lines: just the selected card.
  if (height < 3) return { start: selected, end: selected + 1, above: 0, below: 0 };
  const body = height - 2;
  let start = Math.min(Math.max(0, selected - Math.floor(body / 2)), count - body);
  let end = start + body;
  if (start === 0) end = Math.min(count, body + 1);
  else if (end === count) start = Math.max(0, count - body - 1);
  return { start, end, above: start, below: count - end };
}
