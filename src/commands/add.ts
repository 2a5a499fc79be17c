import { addTask, type TaskInput } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { runHook } from '../hooks.js';
import { taskJson } from '../output/format.js';
import { describeTask } from '../output/task-text.js';
import { selectedWorkspace } from './workspace-scope.js';

export interface AddOptions extends Omit<TaskInput, 'title' | 'workspace'> {
  /** --workspace: a workspace name or id (default: the current one). */
  workspace?: string;
  json?: boolean;
  /** Print only the new task's id. */
  quiet?: boolean;
}

/** A title, and the description that came with it from stdin (its lines after the first). */
export interface Capture {
  title: string;
  description?: string;
}

/**
 * What `convoy add` captures: the words joined by spaces; with no words or
 * `-`, stdin (when `readStdin` is given, i.e. stdin is not a terminal): its
 * first line is the title, the rest the description.
 */
export async function titleFrom(words: string[], readStdin: (() => Promise<string>) | null): Promise<Capture> {
  const fromStdin = words.length === 1 && words[0] === '-';
  if (!fromStdin && words.length > 0) return { title: words.join(' ') };
  if (!readStdin) {
    throw new UsageError(fromStdin ? 'title: stdin is a terminal; pipe the title in, or type it after convoy add' : 'title: give what to do, e.g. convoy add Buy milk');
  }
  const text = (await readStdin()).replace(/^\uFEFF/, '');
  const [first = '', ...rest] = text.split(/\r?\n/);
  const description = rest.join('\n').trim();
  return description ? { title: first, description } : { title: first };
}

/** `convoy add <words…>`: capture a task locally and queue it for sync; then the on-add hook. */
export async function addCommand(capture: Capture, options: AddOptions, ctx: Context): Promise<void> {
  const { json: _json, quiet, workspace: named, ...input } = options;
  const workspace = selectedWorkspace(ctx, named).id;
  const task = addTask(ctx.replica(), { description: capture.description, ...input, title: capture.title, workspace }, ctx.now());
  const json = taskJson(task);
  ctx.reporter.result(json, () => (quiet ? task.id : `Added ${describeTask(task, ctx.reporter.color)}`));
  await runHook(ctx, 'on-add', json);
}
