import type { Context } from '../context.js';
import { runHook } from '../hooks.js';
import { ExitCode, UsageError } from '../errors.js';
import { summaryLine } from '../output/sync-text.js';
import type { LeftWorkspace, SyncProgress } from '../sync/engine.js';
import { batchSizeFor, MAX_BATCH_SIZE } from '../sync/push.js';
import { selectedWorkspaces } from './sync-selection.js';

export interface SyncOptions {
  pushOnly?: boolean;
  pullOnly?: boolean;
  batch?: string;
  json?: boolean;
  /** Sync only this workspace (name or id), whatever config sync.workspaces says. */
  workspace?: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a left workspace means for the person syncing: its changes are kept, never pushed, until forgotten. */
export function leftMessage(w: LeftWorkspace): string {
  const kept = w.kept === 0 ? 'its tasks stay here, read-only' : `${plural(w.kept, 'local change is', 'local changes are')} kept here, not pushed`;
  return `you are no longer a member of workspace ${w.name}: ${kept}; convoy workspace forget ${w.name} removes them`;
}

/**
 * The push batch size: --batch, else config sync.batchSize, else undefined
 * (the backend's own preferred size). Throws UsageError when out of range.
 */
export async function resolveBatchSize(raw: string | undefined, ctx: Context): Promise<number | undefined> {
  const value = raw ?? ctx.settings().get('sync.batchSize');
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_BATCH_SIZE) {
    throw new UsageError(`--batch "${value}" must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  return Number(value);
}

function progressBar(progress: SyncProgress): string {
  if (progress.step === 'pull') return `pulling ${progress.table}: ${progress.pulled}`;
  const width = 30;
  const filled = Math.round((progress.done / Math.max(1, progress.total)) * width);
  return `pushing [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progress.done}/${progress.total}`;
}

/**
 * `convoy sync`: push queued ops, then pull, for each selected workspace;
 * then the on-sync hook. Exit 7 when a workspace left keeps local changes,
 * else 4 when ops failed or conflicts wait.
 */
export async function syncCommand(options: SyncOptions, ctx: Context): Promise<number> {
  if (options.pushOnly && options.pullOnly) throw new UsageError('--push-only and --pull-only exclude each other; give one or neither');
  const asked = await resolveBatchSize(options.batch, ctx);
  const backend = await ctx.backend();
  const workspaces = await selectedWorkspaces(ctx, options.workspace, async () => backend);
  const size = batchSizeFor(backend.pushLimits, asked);
  const { syncOnce } = await import('../sync/engine.js');
  const { reporter } = ctx;
  const summary = await syncOnce(ctx.replica(), backend, {
    mode: options.pushOnly ? 'push' : options.pullOnly ? 'pull' : 'both',
    batchSize: size,
    now: ctx.now,
    lockWaitMs: 10_000,
    workspaces,
    policies: ctx.settings().policies(),
    onProgress: (progress) => {
      // A bar only when there is more than one batch or page to watch.
      const large = progress.step === 'push' ? progress.total > size : progress.pulled >= 1_000;
      if (large) reporter.progress(progressBar(progress));
    },
  });
  reporter.progress(null);
  const { pushed, pulled, conflicts, failed, durationMs } = summary;
  const json = { pushed, pulled, conflicts, failed, durationMs, rejected: summary.rejected, openConflicts: summary.openConflicts, workspaces: summary.workspaces, left: summary.left };
  reporter.result(json, () => {
    const lines = [summaryLine(summary)];
    if (summary.failed) lines.push(`${plural(summary.failed, 'op has', 'ops have')} failed: see convoy status and convoy show <id>, then convoy retry --all`);
    if (summary.openConflicts) lines.push(`${plural(summary.openConflicts, 'conflict waits', 'conflicts wait')} for a decision: convoy conflicts`);
    return lines.join('\n');
  });
  for (const w of summary.left) reporter.note(leftMessage(w));
  await runHook(ctx, 'on-sync', json);
  if (summary.left.some((w) => w.kept > 0)) return ExitCode.denied;
  return summary.failed || summary.openConflicts ? ExitCode.incomplete : ExitCode.ok;
}
