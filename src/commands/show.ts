import { findTask, queuedOps } from '../db/tasks.js';
import type { Context } from '../context.js';
import { opJson, paint, table, taskJson } from '../output/format.js';
import { statusText, syncGlyph } from '../output/task-text.js';

export interface ShowOptions {
  json?: boolean;
}

/** `convoy show <id>`: one task, its sync state and its queued ops. */
export async function showCommand(id: string, options: ShowOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  const task = findTask(replica, id);
  const ops = queuedOps(replica, 'tasks', task.id).map(opJson);
  const json = taskJson(task);
  ctx.reporter.result({ ...json, queuedOps: ops }, () => {
    const { color } = ctx.reporter;
    const fields = [
      ['id', task.id],
      ['title', task.title],
      ['status', statusText(task.status, color)],
      ['stage', task.stage || '-'],
      ['project', task.projectId ?? '-'],
      ['parent', task.parentId ?? '-'],
      ['created', json.createdAt],
      ['updated', json.updatedAt],
      ['completed', json.completedAt ?? '-'],
      ['sync', syncGlyph(task.syncStatus, color)],
    ];
    const lines = [table(fields.map(([k, v]) => [`${k}:`, v!]))];
    if (task.description) lines.push('', task.description);
    lines.push('', ops.length ? paint(color, 'bold', `Queued ops (${ops.length}):`) : 'No queued ops: in step with the last sync.');
    for (const op of ops) {
      const error = op.lastError ? `  last error: ${op.lastError}` : '';
      lines.push(`  #${op.seq} ${op.op} ${JSON.stringify(op.fields)} [${op.state}, ${op.attempts} attempts]${error}`);
    }
    return lines.join('\n');
  });
}
