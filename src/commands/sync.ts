import type { Context } from '../context.js';
import { runHook } from '../hooks.js';
import { ExitCode, UsageError } from '../errors.js';
import { summaryLine } from '../output/sync-text.js';
import type { SyncProgress } from '../sync/engine.js';
import { batchSizeFor, MAX_BATCH_SIZE } from '../sync/push.js';

export interface SyncOptions {
  pushOnly?: boolean;
  pullOnly?: boolean;
  batch?: string;
  json?: boolean;
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

/** `convoy sync`: push queued ops, then pull; then the on-sync hook. Exit 4 when ops failed or conflicts wait. */
export async function syncCommand(options: SyncOptions, ctx: Context): Promise<number> {
  if (options.pushOnly && options.pullOnly) throw new UsageError('--push-only and --pull-only exclude each other; give one or neither');
  const asked = await resolveBatchSize(options.batch, ctx);
  const backend = await ctx.backend();
  const size = batchSizeFor(backend.pushLimits, asked);
  const { syncOnce } = await import('../sync/engine.js');
  const { reporter } = ctx;
  const summary = await syncOnce(ctx.replica(), backend, {
    mode: options.pushOnly ? 'push' : options.pullOnly ? 'pull' : 'both',
    batchSize: size,
    now: ctx.now,
    lockWaitMs: 10_000,
    policies: ctx.settings().policies(),
    onProgress: (progress) => {
      // A bar only when there is more than one batch or page to watch.
      const large = progress.step === 'push' ? progress.total > size : progress.pulled >= 1_000;
      if (large) reporter.progress(progressBar(progress));
    },
  });
  reporter.progress(null);
  const { pushed, pulled, conflicts, failed, durationMs } = summary;
  const json = { pushed, pulled, conflicts, failed, durationMs, rejected: summary.rejected, openConflicts: summary.openConflicts };
  reporter.result(json, () => {
    const lines = [summaryLine(summary)];
    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    if (summary.failed) lines.push(`${plural(summary.failed, 'op has', 'ops have')} failed: see convoy status and convoy show <id>, then convoy retry --all`);
    if (summary.openConflicts) lines.push(`${plural(summary.openConflicts, 'conflict waits', 'conflicts wait')} for a decision: convoy conflicts`);
    return lines.join('\n');
  });
  await runHook(ctx, 'on-sync', json);
  return summary.failed || summary.openConflicts ? ExitCode.incomplete : ExitCode.ok;
}
