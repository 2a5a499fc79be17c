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
 * short ids around the loop, and how to break it. `link.name` is the link's
 * CLI name ("parent", "blocked-by"); `link.flag` the option that removes it,
 * which either clears the field (`--parent ""`) or names the next record
 * (`--unblock <id>`).
 */
export function cycleWarning(link: { name: string; flag: string; clears: boolean }, shortIds: readonly string[], colour: boolean): string {
  const loop = [...shortIds, shortIds[0]].join(' -> ');
  const fix = `convoy update ${shortIds[0]} --${link.flag} ${link.clears ? '""' : (shortIds[1] ?? shortIds[0])}`;
  return paint(colour, 'yellow', `warning: ${link.name} cycle ${loop} (merged from offline edits); break it with: ${fix}`);
}
