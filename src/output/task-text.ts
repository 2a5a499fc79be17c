/**
 * Human renderings of tasks shared by several commands.
 */
import type { TaskView } from '../db/views.js';
import { paint, SYNC_GLYPHS, type Colour } from './format.js';

export const STATUS_COLOURS: Record<TaskView['status'], Colour> = {
  todo: 'blue',
  in_progress: 'yellow',
  done: 'green',
  canceled: 'dim',
};

export function statusText(status: TaskView['status'], colour: boolean): string {
  return paint(colour, STATUS_COLOURS[status], status);
}

export function syncGlyph(status: TaskView['syncStatus'], colour: boolean): string {
  const { glyph, colour: c } = SYNC_GLYPHS[status];
  return paint(colour, c, `${glyph} ${status}`);
}

/** One line: id, title, status, sync state. */
export function describeTask(task: TaskView, colour: boolean): string {
  return `${paint(colour, 'bold', task.id)}  ${task.title}  [${statusText(task.status, colour)}, ${syncGlyph(task.syncStatus, colour)}]`;
}

/**
 * The warning for a reference cycle merged from offline edits: the records'
 * short ids around the loop, and how to break it. `input` is the field's
 * CLI name (e.g. "parent").
 */
export function cycleWarning(input: string, shortIds: readonly string[], colour: boolean): string {
  const loop = [...shortIds, shortIds[0]].join(' -> ');
  return paint(colour, 'yellow', `warning: ${input} cycle ${loop} (merged from offline edits); break it with: convoy update ${shortIds[0]} --${input} ""`);
}
