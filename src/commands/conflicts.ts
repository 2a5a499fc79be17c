import { conflictViews, resolveConflict } from '../db/conflicts.js';
import type { ConflictView } from '../db/views.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { paint, table } from '../output/format.js';
import { writerLabel } from '../output/workspace-text.js';

/** One conflict as `conflicts --json` and `show --json` print it; `remoteWriter` is who wrote the remote value (null: unknown). */
export function conflictJson(c: ConflictView) {
  return {
    id: c.id,
    table: c.tableName,
    recordId: c.recordId,
    field: c.field,
    local: c.local,
    remote: c.remote,
    remoteWriter: c.remoteWriter,
    policy: c.policy,
    winner: c.winner,
    resolved: c.resolved,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

/** `convoy conflicts`: conflicts waiting for a decision (or all with --all). */
export async function conflictsCommand(options: { all?: boolean; json?: boolean }, ctx: Context): Promise<void> {
  const found = conflictViews(ctx.replica(), { all: options.all });
  ctx.reporter.result(found.map(conflictJson), () => {
    if (found.length === 0) return options.all ? 'No conflicts seen yet.' : 'No conflicts wait for a decision.';
    const rows = found.map((c) => {
      const by = writerLabel(c.remoteWriter) ?? '-';
      return [c.id, `${c.tableName}/${c.recordId.slice(0, 8)}`, c.field, JSON.stringify(c.local), JSON.stringify(c.remote), by, `${c.policy} → ${c.winner}`];
    });
    const hint = found.some((c) => !c.resolved) ? '\nSettle one with: convoy resolve <id> --take local|remote' : '';
    return table([['ID', 'RECORD', 'FIELD', 'LOCAL (you)', 'REMOTE', 'REMOTE BY', 'POLICY'], ...rows], { style: (r, _c, cell) => (r === 0 ? paint(ctx.reporter.color, 'dim', cell) : cell) }) + hint;
  });
}

/** `convoy resolve <id> --take local|remote`: settle a conflict held by the manual policy. */
export async function resolveCommand(id: string, options: { take?: string; json?: boolean }, ctx: Context): Promise<void> {
  if (options.take !== 'local' && options.take !== 'remote') {
    throw new UsageError(`--take ${options.take === undefined ? 'is required' : `"${options.take}" is not local or remote`}; say which value to keep: --take local or --take remote`);
  }
  const settled = resolveConflict(ctx.replica(), id, options.take, ctx.now());
  ctx.reporter.result(conflictJson(settled), () =>
    options.take === 'local' ? `Kept the local ${settled.field}; it is queued and wins at the next convoy sync.` : `Took the remote ${settled.field}.`,
  );
}
