import { addTask, type TaskInput } from '../db/tasks.js';
import type { Context } from '../context.js';
import { taskJson } from '../output/format.js';
import { describeTask } from '../output/task-text.js';

export interface AddOptions extends Omit<TaskInput, 'title'> {
  json?: boolean;
}

/** `convoy add <title>`: capture a task locally and queue it for sync. */
export async function addCommand(title: string, options: AddOptions, ctx: Context): Promise<void> {
  const { json: _json, ...input } = options;
  const task = addTask(ctx.replica(), { ...input, title }, ctx.now());
  ctx.reporter.result(taskJson(task), () => `Added ${describeTask(task, ctx.reporter.color)}`);
}
