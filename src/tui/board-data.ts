/**
 * What the board holds of the replica: per column its count and a window of
 * rows around the selected card (what the column can show, plus a margin),
 * never the whole column. Memory stays flat with the replica's size; each
 * load is a few index ranges (src/db/task-query.ts).
 */
import type { TaskView } from '../db/views.js';
import type { TaskStatus } from '../schema/tables.js';
import type { Cursor, Cursors } from './board-state.js';
import type { BoardModel } from './model.js';

/** A loaded column: its size and the rows `start …` of it, newest first. */
export interface ColumnData {
  count: number;
  /** Position in the column of `rows[0]`. */
  start: number;
  rows: TaskView[];
  /** The cursor this window was loaded for, pinned to the card it shows. */
  cursor: Cursor;
}

export interface BoardData {
  columns: Partial<Record<TaskStatus, ColumnData>>;
  /** The search the data was loaded with. */
  search: string;
}

/** Rows loaded on each side of the selected card, in screens: the "n more" scroll and a PgUp/PgDn stay inside. */
const SCREENS_EACH_SIDE = 2;

/** The row at position `index` of a loaded column, if it is in the window. */
export function rowAt(column: ColumnData, index: number): TaskView | undefined {
  return column.rows[index - column.start];
}

/** The window around the card `id` when it is still in the column, or null. */
function aroundCard(model: BoardModel, status: TaskStatus, search: string, id: string, span: number, count: number, trustedIndex: number | null): ColumnData | null {
  const task = model.task(id);
  if (!task || task.status !== status) return null;
  const key = { createdAt: task.createdAt, id: task.id };
  // The card itself and what follows it ("older than a key just after it").
  const below = model.page(status, search, { after: { createdAt: key.createdAt, id: `${key.id}\u0000` }, limit: span + 1 });
  if (below[0]?.id !== id) return null; // filtered out by the search
  const above = model.page(status, search, { before: key, limit: span });
  const index = trustedIndex ?? model.rank(status, search, key);
  return { count, start: index - above.length, rows: [...above, ...below], cursor: { id, index } };
}

/** The window around position `index` (the card there now). */
function aroundIndex(model: BoardModel, status: TaskStatus, search: string, index: number, span: number, count: number): ColumnData {
  const at = Math.min(Math.max(0, index), Math.max(0, count - 1));
  const start = Math.max(0, at - span);
  const rows = count === 0 ? [] : model.slice(status, search, start, at - start + span + 1, count);
  return { count, start, rows, cursor: { id: rows[at - start]?.id ?? null, index: at } };
}

/**
 * Load one column for `cursor`. `previous` is the column as loaded before:
 * when the data did not change and it shows the cursor's card at the
 * cursor's index, that index is trusted (moving by keys costs two small
 * pages); otherwise the card's position is looked up again.
 */
export function loadColumn(
  model: BoardModel,
  status: TaskStatus,
  search: string,
  cursor: Cursor,
  height: number,
  count: number,
  previous: ColumnData | undefined,
): ColumnData {
  const span = Math.max(1, height) * SCREENS_EACH_SIDE;
  if (cursor.id !== null) {
    const trusted = previous && rowAt(previous, cursor.index)?.id === cursor.id ? cursor.index : null;
    const found = aroundCard(model, status, search, cursor.id, span, count, trusted);
    if (found) return found;
  }
  return aroundIndex(model, status, search, cursor.index, span, count);
}

/** Whether `column` was loaded for exactly `cursor`. */
const loadedFor = (column: ColumnData | undefined, cursor: Cursor) => column !== undefined && column.cursor.id === cursor.id && column.cursor.index === cursor.index;

/**
 * The board's columns for `statuses`. With `changed` false (only the
 * selection moved), counts and the columns whose cursor did not move are
 * kept from `previous`.
 */
export function loadBoard(
  model: BoardModel,
  search: string,
  statuses: readonly TaskStatus[],
  cursors: Cursors,
  height: number,
  previous: BoardData | null,
  changed: boolean,
): BoardData {
  const fresh = changed || !previous || previous.search !== search;
  const counts = fresh ? model.counts(search) : null;
  const columns: BoardData['columns'] = {};
  for (const status of statuses) {
    const before = fresh ? undefined : previous.columns[status];
    if (before && loadedFor(before, cursors[status])) {
      columns[status] = before;
      continue;
    }
    const count = counts?.[status] ?? before?.count ?? model.counts(search)[status];
    // After a change, positions may have shifted: the previous window is not trusted.
    columns[status] = loadColumn(model, status, search, cursors[status], height, count, fresh ? undefined : previous?.columns[status]);
  }
  return { columns, search };
}

/** Cursors pinned to the cards the loaded columns show (same object when nothing changed). */
export function pinnedCursors(cursors: Cursors, board: BoardData): Cursors {
  let next = cursors;
  for (const [status, column] of Object.entries(board.columns) as [TaskStatus, ColumnData][]) {
    const current = cursors[status];
    if (column.cursor.id !== current.id || column.cursor.index !== current.index) next = { ...next, [status]: column.cursor };
  }
  return next;
}
