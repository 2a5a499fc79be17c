/**
 * Human renderings of tasks shared by several commands.
 */
import type { TaskRow } from '../db/schema.js';
import { paint, SYNC_GLYPHS, type Colour } from './format.js';

export const STATUS_COLOURS: Record<TaskRow['status'], Colour> = {
  todo: 'blue',
  in_progress: 'yellow',
  done: 'green',
  canceled: 'dim',
};

export function statusText(status: TaskRow['status'], colour: boolean): string {
  return paint(colour, STATUS_COLOURS[status], status);
}

export function syncGlyph(status: TaskRow['syncStatus'], colour: boolean): string {
  const { glyph, colour: c } = SYNC_GLYPHS[status];
  return paint(colour, c, `${glyph} ${status}`);
}

/** One line: id, title, status, sync state. */
export function describeTask(task: TaskRow, colour: boolean): string {
  return `${paint(colour, 'bold', task.id)}  ${task.title}  [${statusText(task.status, colour)}, ${syncGlyph(task.syncStatus, colour)}]`;
}
