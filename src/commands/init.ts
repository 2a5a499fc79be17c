import type { Context } from '../context.js';
import { BackendError, ExitCode, UsageError } from '../errors.js';

export interface InitOptions {
  convex?: string;
  token?: string;
  json?: boolean;
}

/**
 * `convoy init --convex <url> [--token <jwt>|-]`: store the backend settings,
 * check the connection, and say what to do next. Settings are kept even when
 * the backend cannot be reached yet (capture never waits for the network).
 */
export async function initCommand(options: InitOptions, ctx: Context, stdin: () => Promise<string>): Promise<number> {
  if (!options.convex) throw new UsageError('init: give the backend, e.g. convoy init --convex https://happy-animal-123.convex.cloud --token -');
  const config = await ctx.config();
  config.set('convex.url', options.convex);
  config.set('backend', 'convex');
  if (options.token) config.set('convex.token', options.token === '-' ? (await stdin()).trim() : options.token);
  const backend = { kind: 'convex', url: config.get('convex.url')! };
  if (!config.get('convex.token')) {
    ctx.reporter.result({ backend, connected: false, error: 'no token' }, () =>
      `Saved the Convex URL. Now give your token: convoy config set convex.token -   (reads it from stdin)\nFor a local backend, mint one with: convoy dev token --user <you>`,
    );
    return ExitCode.config;
  }
  try {
    await (await ctx.backend()).ping();
  } catch (error) {
    if (!(error instanceof BackendError)) throw error;
    const code = error.auth ? ExitCode.config : ExitCode.offline;
    const advice = error.auth ? 'check the token (convoy config set convex.token -)' : 'tasks you capture stay queued; run convoy sync when it is reachable';
    ctx.reporter.result({ backend, connected: false, error: error.message }, () => `Saved, but the check failed: ${error.message}\nNext: ${advice}`);
    return code;
  }
  ctx.reporter.result({ backend, connected: true }, () =>
    [`Connected to Convex at ${backend.url}.`, 'Next: convoy sync            push your queued tasks and pull everyone else’s', '      convoy sync --watch    keep syncing in the background'].join('\n'),
  );
  return ExitCode.ok;
}
