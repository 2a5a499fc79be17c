import { changeTask, type TaskInput } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { inputNames } from '../output/fields.js';
import { taskJson } from '../output/format.js';
import { tasks } from '../schema/tables.js';
import { describeTask } from '../output/task-text.js';

export interface UpdateOptions extends TaskInput {
  json?: boolean;
}

/** `convoy update <id>`: change fields of a task; queues only the fields that changed. */
export async function updateCommand(id: string, options: UpdateOptions, ctx: Context): Promise<void> {
  const { json: _json, ...input } = options;
  if (Object.values(input).every((v) => v === undefined)) {
    throw new UsageError(`update: nothing to change; give at least one of ${inputNames(tasks).map((name) => `--${name}`).join(', ')}`);
  }
  const { task, changed } = changeTask(ctx.replica(), id, input, ctx.now());
  ctx.reporter.result(taskJson(task), () => `${changed ? 'Updated' : 'Unchanged'} ${describeTask(task, ctx.reporter.color)}`);
}
