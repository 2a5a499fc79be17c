import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { ExitCode } from '../errors.js';

export interface DoctorOptions {
  rebuild?: boolean;
  json?: boolean;
}

/**
 * `convoy doctor`: check the replica (`PRAGMA quick_check`); when it is
 * damaged (or with --rebuild), set it aside and rebuild it: a fresh replica
 * holding every pending change that could still be read, filled from the
 * server by the next sync. Exit 0 when the replica is (now) usable.
 */
export async function doctorCommand(options: DoctorOptions, ctx: Context): Promise<number> {
  const { diagnoseReplica, rebuildReplica } = await import('../db/rebuild.js');
  const { acquireDaemonLock, acquireSyncLock } = await import('../sync/lock.js');
  const path = ctx.paths.replica;
  if (!existsSync(path)) {
    ctx.reporter.result({ path, ok: true, rebuilt: false, problems: [] }, () => `no replica at ${path} yet: nothing to check`);
    return ExitCode.ok;
  }
  const diagnosis = diagnoseReplica(path);
  if (diagnosis.ok && !options.rebuild) {
    ctx.reporter.result({ path, ok: true, rebuilt: false, problems: [] }, () => `replica ${path}: ok (quick_check passed)`);
    return ExitCode.ok;
  }
  // Nobody may sync or watch a file that is being replaced.
  const daemon = await acquireDaemonLock(path);
  try {
    const sync = await acquireSyncLock(path, 'doctor', 10_000);
    try {
      const result = rebuildReplica(path, ctx.now());
      const value = { path, ok: true, rebuilt: true, problems: diagnosis.problems, ...result };
      ctx.reporter.result(value, () =>
        [
          diagnosis.ok ? `replica ${path} was intact; rebuilt it as asked (--rebuild)` : `replica ${path} was damaged: ${diagnosis.problems.join('; ')}`,
          `  set aside as ${result.savedAs}`,
          `  re-queued ${result.requeued} pending change${result.requeued === 1 ? '' : 's'}${result.unreadable ? ` (${result.unreadable} could not be read)` : ''}`,
          result.keptClientId ? '' : '  (new client id: the old one could not be read)',
          'run `convoy sync` to fill it from the server',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    } finally {
      sync.release();
    }
  } finally {
    daemon.release();
  }
  return ExitCode.ok;
}
