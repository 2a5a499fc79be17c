/**
 * The inline input line: a new task's title, an edited title, the filter, a
 * tag or a note for the selected task. Enter saves, Esc cancels; the filter
 * applies as you type.
 */
import type { Key } from 'ink';
import type { TaskStatus } from '../schema/tables.js';
import { COLUMN_TITLES } from './board-state.js';
import { attempt, type Controller } from './controller.js';
import type { InputPurpose, Mode, UiState } from './ui-state.js';

type InputMode = Extract<Mode, { kind: 'input' }>;

// C0 and C1 controls and DEL: never part of a title.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function startInput(c: Controller, purpose: InputPurpose, value: string, taskId: string | null, status: TaskStatus): void {
  c.update((ui) => ({ ...ui, mode: { kind: 'input', purpose, value, taskId, status, fromDetail: ui.mode.kind === 'detail' }, notice: null }));
}

export function inputPrompt(mode: InputMode): string {
  if (mode.purpose === 'new') return `New task in ${COLUMN_TITLES[mode.status]}: `;
  if (mode.purpose === 'edit') return 'Title: ';
  if (mode.purpose === 'tag') return 'Add tag: ';
  if (mode.purpose === 'note') return 'Note: ';
  return 'Filter: ';
}

function setValue(c: Controller, change: (value: string) => string): void {
  c.update((ui) => {
    if (ui.mode.kind !== 'input') return ui;
    const value = change(ui.mode.value);
    return { ...ui, mode: { ...ui.mode, value }, filter: ui.mode.purpose === 'filter' ? value.trim() : ui.filter, notice: null };
  });
}

/** Back where the input started: the board, or the task's details. */
const toBoard = (ui: UiState): UiState => {
  const from = ui.mode.kind === 'input' && ui.mode.fromDetail && ui.mode.taskId !== null ? ui.mode.taskId : null;
  return { ...ui, mode: from !== null ? { kind: 'detail', taskId: from } : { kind: 'board' } };
};

function cancel(c: Controller, mode: InputMode): void {
  const filter = mode.purpose === 'filter' ? '' : undefined;
  c.update((ui) => ({ ...toBoard(ui), filter: filter ?? ui.filter, notice: null }));
}

/** Save a tag or a note on the input's task. */
function submitOnTask(c: Controller, mode: InputMode, value: string): void {
  const id = mode.taskId!;
  if (mode.purpose === 'tag') {
    attempt(c, () => (c.model.tag(id, value) ? { text: `Tagged ${value}`, tone: 'ok' } : { text: `already tagged ${value}`, tone: 'info' }), toBoard);
    return;
  }
  attempt(
    c,
    () => {
      c.model.note(id, value);
      return { text: 'Note added (↑ pending until the next sync)', tone: 'ok' };
    },
    toBoard,
  );
}

function submit(c: Controller, mode: InputMode): void {
  const value = mode.value.trim();
  if (mode.purpose === 'filter') return c.update((ui) => ({ ...toBoard(ui), filter: value }));
  if (value === '') {
    const what = mode.purpose === 'tag' || mode.purpose === 'note' ? mode.purpose : 'title';
    c.update((ui) => ({ ...toBoard(ui), notice: { text: `empty ${what}: nothing saved`, tone: 'info' } }));
    return;
  }
  if (mode.purpose === 'tag' || mode.purpose === 'note') return submitOnTask(c, mode, value);
  if (mode.purpose === 'new') {
    let id = '';
    attempt(
      c,
      () => {
        id = c.model.create(value, mode.status).id;
        return { text: `Added "${value}" (↑ pending until the next sync)`, tone: 'ok' };
      },
      (ui) => ({ ...toBoard(ui), cursors: { ...ui.cursors, [mode.status]: { id, index: 0 } } }),
    );
    return;
  }
  attempt(
    c,
    () => (c.model.rename(mode.taskId!, value) ? { text: `Renamed to "${value}"`, tone: 'ok' } : { text: 'title unchanged', tone: 'info' }),
    toBoard,
  );
}

/** One key while the input line is open. A failed save keeps the line open with the error shown. */
export function handleTyping(c: Controller, input: string, key: Key): void {
  const mode = c.ui().mode;
  if (mode.kind !== 'input') return;
  if (key.escape) return cancel(c, mode);
  if (key.return) return submit(c, mode);
  if (key.backspace || key.delete) return setValue(c, (v) => Array.from(v).slice(0, -1).join(''));
  if (key.ctrl && input === 'u') return setValue(c, () => '');
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
  const text = input.replace(CONTROL, '');
  if (text) setValue(c, (v) => v + text);
}
