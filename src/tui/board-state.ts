/**
 * Pure board logic: which columns show, which card is selected, what part
 * of a long column is visible, where a task moves. No React, no Ink.
 */
import type { TaskView } from '../db/views.js';
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

export function groupByStatus(tasks: TaskView[]): Record<TaskStatus, TaskView[]> {
  const groups: Record<TaskStatus, TaskView[]> = { todo: [], in_progress: [], done: [], canceled: [] };
  for (const task of tasks) groups[task.status].push(task);
  return groups;
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

/** Index of the selected card in `tasks` (-1 when the column is empty). */
export function selectedIndex(tasks: TaskView[], cursor: Cursor): number {
  if (tasks.length === 0) return -1;
  const byId = cursor.id === null ? -1 : tasks.findIndex((t) => t.id === cursor.id);
  return byId >= 0 ? byId : Math.min(Math.max(0, cursor.index), tasks.length - 1);
}

/** The cursor after moving `delta` cards (clamped to the column). */
export function stepCursor(tasks: TaskView[], cursor: Cursor, delta: number): Cursor {
  if (tasks.length === 0) return { id: null, index: 0 };
  const index = Math.min(Math.max(0, selectedIndex(tasks, cursor) + delta), tasks.length - 1);
  return { id: tasks[index]!.id, index };
}

/**
 * Pin every column's cursor to the task it shows now, so that tasks arriving
 * from elsewhere never move the selection to another card. Returns the same
 * object when nothing changed.
 */
export function pinCursors(cursors: Cursors, tasks: TaskView[]): Cursors {
  const groups = groupByStatus(tasks);
  let next = cursors;
  for (const status of Object.keys(groups) as TaskStatus[]) {
    const index = selectedIndex(groups[status], cursors[status]);
    const pinned = { id: groups[status][index]?.id ?? null, index: Math.max(0, index) };
    if (pinned.id !== cursors[status].id || pinned.index !== cursors[status].index) next = { ...next, [status]: pinned };
  }
  return next;
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
