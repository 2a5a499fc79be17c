import { TASK_STATUSES, tasks, type TaskStatus } from '../schema/tables.js';
import { shortIds } from '../db/lookup.js';
import { specFor } from '../db/registry.js';
import { listTasks } from '../db/tasks.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { paint, SYNC_GLYPHS, table, taskJson } from '../output/format.js';
import { STATUS_COLOURS } from '../output/task-text.js';

export interface ListOptions {
  status?: string;
  project?: string;
  pending?: boolean;
  search?: string;
  limit?: string;
  json?: boolean;
}

function parseStatuses(raw: string | undefined): TaskStatus[] | undefined {
  if (raw === undefined) return undefined;
  const statuses = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const status of statuses) {
    if (!(TASK_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status "${status}" is not one of ${TASK_STATUSES.join(', ')}; separate several with commas`);
    }
  }
  return statuses as TaskStatus[];
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--limit "${raw}" must be a whole number of at least 1`);
  return Number(raw);
}

/** `convoy list`: tasks, newest first, filtered. */
export async function listCommand(options: ListOptions, ctx: Context): Promise<void> {
  const filter = {
    statuses: parseStatuses(options.status),
    project: options.project,
    pending: options.pending,
    search: options.search,
    limit: parseLimit(options.limit),
  };
  const found = listTasks(ctx.replica(), filter);
  ctx.reporter.result(found.map(taskJson), () => {
    if (found.length === 0) return 'No tasks. Capture one with: convoy add "Something to do"';
    const { color, columns } = ctx.reporter;
    const ids = shortIds(ctx.replica(), specFor(tasks.name), found.map((t) => t.id));
    const rows = [
      ['ID', 'STATUS', 'SYNC', 'TITLE'],
      ...found.map((t) => [ids.get(t.id)!, t.status, `${SYNC_GLYPHS[t.syncStatus].glyph} ${t.syncStatus}`, t.title]),
    ];
    return table(rows, columns, (r, c, cell) => {
      if (r === 0) return paint(color, 'dim', cell);
      const task = found[r - 1]!;
      if (c === 1) return paint(color, STATUS_COLOURS[task.status], cell);
      if (c === 2) return paint(color, SYNC_GLYPHS[task.syncStatus].colour, cell);
      return cell;
    });
  });
}
