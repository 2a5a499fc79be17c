import { changeTask, type TaskInput } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { runHook } from '../hooks.js';
import { inputNames } from '../output/fields.js';
import { taskJson } from '../output/format.js';
import { tasks } from '../schema/tables.js';
import { describeTask } from '../output/task-text.js';

export interface UpdateOptions extends TaskInput {
  json?: boolean;
  /** Print only the task's id. */
  quiet?: boolean;
}

/** `convoy update <id>`: change fields of a task; queues only the fields that changed; then the on-modify hook. */
export async function updateCommand(id: string, options: UpdateOptions, ctx: Context): Promise<void> {
  const { json: _json, quiet, ...input } = options;
  if (Object.values(input).every((v) => v === undefined)) {
    throw new UsageError(`update: nothing to change; give at least one of ${inputNames(tasks).map((name) => `--${name}`).join(', ')}`);
  }
  const { task, changed } = changeTask(ctx.replica(), id, input, ctx.now());
  const json = taskJson(task);
  ctx.reporter.result(json, () => (quiet ? task.id : `${changed ? 'Updated' : 'Unchanged'} ${describeTask(task, ctx.reporter.color)}`));
  if (changed) await runHook(ctx, 'on-modify', json);
}
