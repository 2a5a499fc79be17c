import type { Context } from '../context.js';
import { recordTitle, shortId } from '../db/lookup.js';
import { specFor } from '../db/registry.js';
import { listUndo, undoLast, type UndoBatchView } from '../db/undo.js';
import { localTime, table } from '../output/format.js';

export interface UndoOptions {
  list?: boolean;
  json?: boolean;
}

function describeBatch(ctx: Context, b: UndoBatchView): string {
  const store = ctx.replica();
  const spec = specFor(b.first.tableName);
  const title = recordTitle(store, b.first.tableName, b.first.recordId);
  const what = `${b.first.op} ${spec.noun} ${shortId(store, spec, b.first.recordId)}${title === undefined ? '' : ` "${title}"`}`;
  const fields = b.first.fields.length ? ` (${b.first.fields.join(', ')})` : '';
  return b.changes === 1 ? `${what}${fields}` : `${b.changes} changes: ${what}${fields}, …`;
}

/** `convoy undo`: revert the most recent local change (an import as a whole); `--list`: what can be reverted. */
export async function undoCommand(options: UndoOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  if (options.list) {
    const batches = listUndo(replica);
    ctx.reporter.result(
      batches.map((b) => ({ ...b, createdAt: new Date(b.createdAt).toISOString() })),
      () => (batches.length === 0 ? 'Nothing to undo.' : table(batches.map((b, i) => [i === 0 ? 'next' : '', localTime(b.createdAt), describeBatch(ctx, b)]))),
    );
    return;
  }
  const { records } = undoLast(replica, ctx.now());
  const counts = { removed: 0, restored: 0, compensated: 0 };
  for (const r of records) counts[r.action]++;
  ctx.reporter.result({ undone: records }, () => {
    const parts = [
      counts.removed && `${counts.removed} created record${counts.removed === 1 ? '' : 's'} removed`,
      counts.restored && `${counts.restored} restored`,
      counts.compensated && `${counts.compensated} already synced: compensating change queued`,
    ].filter(Boolean);
    return `Undone: ${parts.join(', ') || 'nothing left to revert'}.`;
  });
}
