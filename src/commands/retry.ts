import { failedOps, retryFailedOps } from '../db/outbox.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

/** `convoy retry <op> | --all`: re-queue failed ops with the records' current values. */
export async function retryCommand(op: string | undefined, options: { all?: boolean; json?: boolean }, ctx: Context): Promise<void> {
  if ((op === undefined) === !options.all) throw new UsageError('retry: give one op number (see convoy status / convoy show) or --all, not both');
  let seq: number | undefined;
  if (op !== undefined) {
    if (!/^#?\d+$/.test(op)) throw new UsageError(`op "${op}" must be an op number such as 42 (see convoy show <task>)`);
    seq = Number(op.replace('#', ''));
    if (failedOps(ctx.replica(), [seq]).length === 0) throw new UsageError(`op #${seq} is not a failed op; convoy status counts the failed ones`);
  }
  const requeued = retryFailedOps(ctx.replica(), seq, ctx.now());
  ctx.reporter.result({ requeued }, () => (requeued ? `Re-queued ${requeued} op(s); run convoy sync to push them.` : 'No failed ops to retry.'));
}
