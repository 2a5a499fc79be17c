import type { Context } from '../context.js';
import { ExitCode } from '../errors.js';
import { shortId } from '../db/lookup.js';
import { specFor, SYNC_TABLES } from '../db/registry.js';
import { paint, table } from '../output/format.js';
import { PERSONAL_WORKSPACE_NAME } from '../schema/protocol.js';
import type { TableVerdict } from '../sync/verify.js';
import { selectedWorkspaces } from './sync-selection.js';

export interface VerifyOptions {
  repair?: boolean;
  json?: boolean;
}

function verdictLines(ctx: Context, verdict: TableVerdict, repair: boolean): string[] {
  const { color } = ctx.reporter;
  const spec = specFor(verdict.table);
  const notes = [
    verdict.unsynced ? `${verdict.unsynced} with local changes not pushed yet` : '',
    verdict.behind ? `${verdict.behind} changed on the server since the last pull` : '',
  ].filter(Boolean);
  const state = verdict.diverged.length === 0 ? paint(color, 'green', 'in step') : paint(color, 'red', `${verdict.diverged.length} differ`);
  // The personal workspace's tables read as they always did; another's are named with it.
  const where = verdict.workspace === PERSONAL_WORKSPACE_NAME ? verdict.table : `${verdict.workspace} ${verdict.table}`;
  const lines = [`${where}: ${state} (server ${verdict.serverCount}, replica ${verdict.replicaCount}${notes.length ? `; ${notes.join(', ')}` : ''})`];
  const rows = verdict.diverged.map((d) => {
    const id = d.kind === 'missing' ? d.recordId : shortId(ctx.replica(), spec, d.recordId);
    const what = d.kind === 'missing' ? 'only on the server' : d.kind === 'extra' ? 'only in the replica' : `differs: ${d.fields.join(', ')}`;
    return [`  ${id}`, what];
  });
  if (rows.length) lines.push(table(rows));
  if (repair && (verdict.repulled || verdict.requeued)) lines.push(`  repaired: ${verdict.repulled} re-pulled, ${verdict.requeued} queued to push again`);
  return lines;
}

/**
 * `convoy verify`: compare each table's synced fields, in each workspace
 * synced (config sync.workspaces, else every one joined), on the replica with the
 * server's by checksum and list the records that differ; `--repair` re-pulls
 * them (queued local changes kept) and queues again what only the replica
 * holds. Returns exit 4 when records differ and were not repaired.
 */
export async function verifyCommand(options: VerifyOptions, ctx: Context): Promise<number> {
  const backend = await ctx.backend();
  const workspaces = await selectedWorkspaces(ctx, undefined, async () => backend);
  const { verifyReplica } = await import('../sync/verify.js');
  const verdicts = await verifyReplica(ctx.replica(), backend, SYNC_TABLES, { repair: options.repair ?? false, now: ctx.now, lockWaitMs: 10_000, workspaces });
  const diverged = verdicts.reduce((n, v) => n + v.diverged.length, 0);
  const value = { diverged, repaired: options.repair === true && diverged > 0, tables: verdicts };
  ctx.reporter.result(value, () => {
    const lines = verdicts.flatMap((v) => verdictLines(ctx, v, options.repair === true));
    if (diverged && !options.repair) lines.push(`${diverged} record${diverged === 1 ? '' : 's'} differ from the server: convoy verify --repair re-pulls them (local changes not pushed yet are kept)`);
    if (diverged && options.repair) lines.push('Repaired; convoy sync pushes what was queued again.');
    return lines.join('\n');
  });
  return diverged > 0 && !options.repair ? ExitCode.incomplete : ExitCode.ok;
}
