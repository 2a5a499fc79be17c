/**
 * What each key does, per mode. Handlers read the newest state through the
 * controller (several keys can arrive in one read, before any re-render) and
 * report every failure in the status line instead of throwing.
 */
import type { Key } from 'ink';
import type { TaskView } from '../db/views.js';
import type { TaskStatus } from '../schema/tables.js';
import { COLUMN_TITLES, moveTarget, stepCursor, visibleStatuses } from './board-state.js';
import { attempt, notify, type Controller } from './controller.js';
import { handleTyping, startInput } from './typing.js';
import { boardColumns, cardAt, focusedColumn, selectedTask } from './ui-state.js';

/** An escape sequence Ink did not recognise (ESC already stripped): a key we do not use, never text. */
const UNKNOWN_SEQUENCE = /^(\[[\d;]*[A-Za-z~]|O[A-Za-z])$/;

/** The key of one character of a multi-character read. */
function keyOf(ch: string): [string, Key] {
  if (ch === '\r' || ch === '\n') return ['', { return: true } as Key];
  if (ch === '\u007f') return ['', { delete: true } as Key];
  if (ch === '\b') return ['', { backspace: true } as Key];
  if (ch === '\t') return ['', { tab: true } as Key];
  const code = ch.charCodeAt(0);
  if (code < 32) return [String.fromCharCode(code + 96), { ctrl: true } as Key];
  return [ch, {} as Key];
}

function current(c: Controller) {
  const ui = c.ui();
  const columns = boardColumns(c.board(), ui);
  return { ui, columns, column: focusedColumn(columns, ui), task: selectedTask(columns, ui) };
}

function focusBy(c: Controller, delta: number): void {
  const { columns } = current(c);
  c.update((ui) => ({ ...ui, focus: Math.min(Math.max(0, Math.min(ui.focus, columns.length - 1) + delta), columns.length - 1) }));
}

function cursorBy(c: Controller, delta: number): void {
  const { column } = current(c);
  const cursor = stepCursor(column.count, column.selected, delta, (index) => cardAt(column, index)?.id);
  c.update((u) => ({ ...u, cursors: { ...u.cursors, [column.status]: cursor } }));
}

function moveSelected(c: Controller, direction: -1 | 1): void {
  const { ui, task } = current(c);
  if (!task) return notify(c, 'no task selected');
  const statuses = visibleStatuses(ui.showCanceled);
  const target = moveTarget(task.status, direction, statuses);
  if (!target) return notify(c, `"${task.title}" is already in the ${direction < 0 ? 'first' : 'last'} column`);
  attempt(
    c,
    () => {
      c.model.move(task.id, target);
      return { text: `Moved "${task.title}" to ${COLUMN_TITLES[target]}`, tone: 'ok' };
    },
    (u) => ({ ...u, focus: statuses.indexOf(target), cursors: { ...u.cursors, [target]: { id: task.id, index: 0 } } }),
  );
}

function withTask(c: Controller, then: (task: TaskView) => void): void {
  const { task } = current(c);
  if (task) then(task);
  else notify(c, 'no task selected: move to a card first (n adds one)');
}

function newTaskStatus(c: Controller): TaskStatus {
  const status = current(c).column.status;
  return status === 'canceled' ? 'todo' : status;
}

const BOARD_KEYS: Record<string, (c: Controller) => void> = {
  n: (c) => startInput(c, 'new', '', null, newTaskStatus(c)),
  e: (c) => withTask(c, (t) => startInput(c, 'edit', t.title, t.id, t.status)),
  t: (c) => withTask(c, (t) => startInput(c, 'tag', '', t.id, t.status)),
  N: (c) => withTask(c, (t) => startInput(c, 'note', '', t.id, t.status)),
  '[': (c) => moveSelected(c, -1),
  '<': (c) => moveSelected(c, -1),
  ']': (c) => moveSelected(c, 1),
  '>': (c) => moveSelected(c, 1),
  s: (c) => c.sync(),
  r: (c) =>
    attempt(c, () => {
      const requeued = c.model.retry();
      return requeued ? { text: `Re-queued ${requeued} failed op(s); s syncs them`, tone: 'ok' } : { text: 'No failed ops to retry.', tone: 'info' };
    }),
  c: (c) => c.update((ui) => ({ ...ui, mode: { kind: 'conflicts', index: 0 }, notice: null })),
  '/': (c) => startInput(c, 'filter', c.ui().filter, null, 'todo'),
  '?': (c) => c.update((ui) => ({ ...ui, mode: { kind: 'help' } })),
  x: (c) => c.update((ui) => ({ ...ui, showCanceled: !ui.showCanceled, focus: Math.min(ui.focus, ui.showCanceled ? 2 : 3) })),
  q: (c) => c.exit(),
  h: (c) => focusBy(c, -1),
  l: (c) => focusBy(c, 1),
  k: (c) => cursorBy(c, -1),
  j: (c) => cursorBy(c, 1),
  g: (c) => cursorBy(c, -Infinity),
  G: (c) => cursorBy(c, Infinity),
};

function boardKey(c: Controller, input: string, key: Key): void {
  if (key.leftArrow) return focusBy(c, -1);
  if (key.rightArrow) return focusBy(c, 1);
  if (key.upArrow) return cursorBy(c, -1);
  if (key.downArrow) return cursorBy(c, 1);
  if (key.pageUp) return cursorBy(c, -c.pageSize);
  if (key.pageDown) return cursorBy(c, c.pageSize);
  if (key.home) return cursorBy(c, -Infinity);
  if (key.end) return cursorBy(c, Infinity);
  if (key.return) return withTask(c, (t) => c.update((ui) => ({ ...ui, mode: { kind: 'detail', taskId: t.id } })));
  if (key.escape) {
    // Esc first clears an active filter, then quits.
    if (c.ui().filter) return c.update((ui) => ({ ...ui, filter: '', notice: { text: 'filter cleared', tone: 'info' } }));
    return c.exit();
  }
  if (!key.ctrl && !key.meta) BOARD_KEYS[input]?.(c);
}

function conflictsKey(c: Controller, input: string, key: Key): void {
  const mode = c.ui().mode;
  if (mode.kind !== 'conflicts') return;
  const open = c.model.conflicts();
  const index = Math.min(mode.index, Math.max(0, open.length - 1));
  const select = (i: number) => c.update((ui) => ({ ...ui, mode: { kind: 'conflicts', index: Math.min(Math.max(0, i), Math.max(0, open.length - 1)) } }));
  if (key.escape || input === 'q' || input === 'c') return c.update((ui) => ({ ...ui, mode: { kind: 'board' } }));
  if (key.upArrow || input === 'k') return select(index - 1);
  if (key.downArrow || input === 'j') return select(index + 1);
  if (input === 's') return c.sync();
  const take = input === 'l' ? 'local' : input === 'R' ? 'remote' : null;
  const item = open[index];
  if (!take) return;
  if (!item) return notify(c, 'No conflicts wait for a decision.');
  attempt(c, () => {
    const settled = c.model.resolve(item.conflict.id, take);
    const text = take === 'local' ? `Kept the local ${settled.field} of "${item.label}"; it wins at the next sync (s)` : `Took the remote ${settled.field} of "${item.label}"`;
    return { text, tone: 'ok' };
  });
}

function detailKey(c: Controller, input: string, key: Key): void {
  const mode = c.ui().mode;
  if (mode.kind !== 'detail') return;
  if (key.escape || key.return || key.leftArrow || input === 'q' || input === 'h') return c.update((ui) => ({ ...ui, mode: { kind: 'board' } }));
  if (input === 's') return c.sync();
  const purpose = ({ e: 'edit', t: 'tag', N: 'note' } as const)[input as 'e' | 't' | 'N'];
  if (purpose) {
    const task = c.model.task(mode.taskId);
    if (task) startInput(c, purpose, purpose === 'edit' ? task.title : '', task.id, task.status);
  }
}

/** Dispatch one key (Ink calls this for every keypress or pasted chunk). */
export function handleKey(c: Controller, input: string, key: Key): void {
  // Several characters in one read (typed ahead, pasted, tmux send-keys): one key at a time.
  if (input.length > 1 && !key.ctrl && !key.meta) {
    if (UNKNOWN_SEQUENCE.test(input)) return;
    for (const ch of input) handleKey(c, ...keyOf(ch));
    return;
  }
  const mode = c.ui().mode;
  if (mode.kind === 'input') return handleTyping(c, input, key);
  if (mode.kind === 'board') return boardKey(c, input, key);
  if (mode.kind === 'conflicts') return conflictsKey(c, input, key);
  if (mode.kind === 'detail') return detailKey(c, input, key);
  // Help: any key closes it.
  c.update((ui) => ({ ...ui, mode: { kind: 'board' } }));
}
