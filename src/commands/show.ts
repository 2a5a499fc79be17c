import { findTask, queuedOps } from '../db/tasks.js';
import type { TaskView } from '../db/views.js';
import type { Context } from '../context.js';
import { labelledFields } from '../output/fields.js';
import { opJson, paint, table, taskJson } from '../output/format.js';
import { statusText, syncGlyph } from '../output/task-text.js';
import { tasks } from '../schema/tables.js';

export interface ShowOptions {
  json?: boolean;
}

/**
 * The labelled rows of `show`, from the declaration: id, the fields, then the
 * times (created, updated, then the declared ones such as completed), sync.
 */
function fieldRows(task: TaskView, json: Record<string, unknown>, color: boolean): string[][] {
  const values = task as unknown as Record<string, unknown>;
  const shown = labelledFields(tasks);
  const rows = [['id', task.id]];
  for (const { name, label, field } of shown) {
    if (field.type.kind === 'time') continue;
    const value = values[name];
    rows.push([label, field.type.kind === 'enum' ? statusText(value as TaskView['status'], color) : (value as string | null) || '-']);
  }
  const times = shown.filter((s) => s.field.type.kind === 'time').sort((a, b) => Number(b.name === 'createdAt') - Number(a.name === 'createdAt'));
  const [created, ...declared] = times;
  if (created) rows.push([created.label, json[created.name] as string]);
  rows.push(['updated', json.updatedAt as string]);
  for (const { name, label } of declared) rows.push([label, (json[name] as string | null) ?? '-']);
  rows.push(['sync', syncGlyph(task.syncStatus, color)]);
  return rows;
}

/** `convoy show <id>`: one task, its sync state and its queued ops. */
export async function showCommand(id: string, options: ShowOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  const task = findTask(replica, id);
  const ops = queuedOps(replica, tasks.name, task.id).map(opJson);
  const json = taskJson(task);
  ctx.reporter.result({ ...json, queuedOps: ops }, () => {
    const { color } = ctx.reporter;
    const lines = [table(fieldRows(task, json, color).map(([k, v]) => [`${k}:`, v!]))];
    if (task.description) lines.push('', task.description);
    lines.push('', ops.length ? paint(color, 'bold', `Queued ops (${ops.length}):`) : 'No queued ops: in step with the last sync.');
    for (const op of ops) {
      const error = op.lastError ? `  last error: ${op.lastError}` : '';
      lines.push(`  #${op.seq} ${op.op} ${JSON.stringify(op.fields)} [${op.state}, ${op.attempts} attempts]${error}`);
    }
    return lines.join('\n');
  });
}
