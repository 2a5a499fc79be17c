/**
 * `convoy board`: the full-screen Ink board. Ink and React load here only,
 * never for other commands: Ink is ESM with top-level await, so it comes in
 * through `importLazy` (the bundle cannot `require` it) and is handed to the
 * board as a parameter; the board's own modules (and React, CommonJS) are
 * pulled in by a dynamic import that the bundle initialises on demand.
 */
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { importLazy } from '../lazy-import.js';
import type { Ink } from '../tui/ink.js';
import { selectedWorkspace } from './workspace-scope.js';

export interface BoardOptions {
  /** Only tasks of this project (name or id prefix); new tasks join it. */
  project?: string;
  /** --workspace: the workspace shown, where new tasks go (name or id; default: the current one). */
  workspace?: string;
}

export interface BoardIo {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

declare const __CONVOY_INK__: string | undefined;
/**
 * Ink as one pre-bundled module beside the CLI bundle (scripts/build.mjs), a
 * fraction of the start-up of Ink's own files; from source (tests), Ink itself.
 */
const INK = typeof __CONVOY_INK__ === 'string' ? new URL(__CONVOY_INK__, import.meta.url).href : 'ink';

/** How long quitting waits for a sync the board started to finish recording. */
const SYNC_SETTLE_MS = 5_000;

export async function boardCommand(options: BoardOptions, ctx: Context, io: BoardIo = { stdout: process.stdout, stdin: process.stdin }): Promise<number | void> {
  if (!ctx.reporter.interactive || !io.stdout.isTTY || !io.stdin.isTTY) {
    throw new UsageError('convoy board needs an interactive terminal (stdin and stdout must be a TTY); in scripts and pipes use convoy list (or convoy list --json)');
  }
  // React and its reconciler pick their build when first loaded: the production one unless asked otherwise.
  process.env.NODE_ENV ??= 'production';
  // Loading Ink takes most of the start-up: overlap it with opening the replica and config.
  const loading = Promise.all([importLazy<Ink>(INK), import('../tui/run-board.js')]);
  loading.catch(() => undefined); // a bad --project below must not leave an unhandled rejection
  const { createBoardModel } = await import('../tui/model.js');
  const { id, name } = selectedWorkspace(ctx, options.workspace);
  const model = await createBoardModel(ctx, { project: options.project, workspace: { id, name } });
  const [ink, { runBoard }] = await loading;
  await runBoard(ink, model, { color: ctx.reporter.color, stdout: io.stdout, stdin: io.stdin });
  await Promise.race([model.idle(), new Promise((resolve) => setTimeout(resolve, SYNC_SETTLE_MS).unref())]);
}
