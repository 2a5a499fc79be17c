import type { ConfigStore } from '../config/store.js';
import type { Context } from '../context.js';
import { BackendError, ExitCode, UsageError } from '../errors.js';

export interface InitOptions {
  convex?: string;
  token?: string;
  supabase?: string;
  anonKey?: string;
  accessToken?: string;
  refreshToken?: string;
  json?: boolean;
}

/** What init saved, and what the user must still give before a check can run. */
interface Saved {
  backend: { kind: 'convex' | 'supabase'; url: string };
  name: string;
  /** Null when the credentials are complete; else what to do next. */
  missing: { error: string; advice: string } | null;
  /** What to check when the backend refuses the credentials. */
  authAdvice: string;
}

/** A secret option's value: `-` reads it from stdin (only one option may). */
type SecretReader = (value: string | undefined) => Promise<string | undefined>;

function secretReader(options: InitOptions, stdin: () => Promise<string>): SecretReader {
  const fromStdin = [options.token, options.accessToken, options.refreshToken].filter((v) => v === '-').length;
  if (fromStdin > 1) throw new UsageError('init: only one of --token, --access-token and --refresh-token can be - (stdin); pass the other as a value');
  return async (value) => (value === '-' ? (await stdin()).trim() : value);
}

async function saveConvex(options: InitOptions, config: ConfigStore, secret: SecretReader): Promise<Saved> {
  config.set('convex.url', options.convex!);
  config.set('backend', 'convex');
  const token = await secret(options.token);
  if (token) config.set('convex.token', token);
  const missing = config.get('convex.token')
    ? null
    : {
        error: 'no token',
        advice: 'Saved the Convex URL. Now give your token: convoy config set convex.token -   (reads it from stdin)\nFor a local backend, mint one with: convoy dev token --user <you>',
      };
  return { backend: { kind: 'convex', url: config.get('convex.url')! }, name: 'Convex', missing, authAdvice: 'check the token (convoy config set convex.token -)' };
}

async function saveSupabase(options: InitOptions, config: ConfigStore, secret: SecretReader): Promise<Saved> {
  config.set('supabase.url', options.supabase!);
  config.set('backend', 'supabase');
  if (options.anonKey) config.set('supabase.anonKey', options.anonKey);
  const accessToken = await secret(options.accessToken);
  if (accessToken) config.set('supabase.accessToken', accessToken);
  const refreshToken = await secret(options.refreshToken);
  if (refreshToken) config.set('supabase.refreshToken', refreshToken);
  let missing: Saved['missing'] = null;
  if (!config.get('supabase.anonKey')) {
    missing = { error: 'no anon key', advice: 'Saved the Supabase URL. Now give the project’s anon key: convoy config set supabase.anonKey <key>' };
  } else if (!config.get('supabase.accessToken') && !config.get('supabase.refreshToken')) {
    missing = { error: 'no access token', advice: 'Saved the Supabase URL and anon key. Now give your access token: convoy config set supabase.accessToken -   (reads it from stdin)' };
  }
  return {
    backend: { kind: 'supabase', url: config.get('supabase.url')! },
    name: 'Supabase',
    missing,
    authAdvice: 'check the anon key and the access token (convoy config set supabase.anonKey <key>; convoy config set supabase.accessToken -)',
  };
}

/**
 * `convoy init --convex <url> [--token <jwt>|-]` or `convoy init --supabase
 * <url> --anon-key <key> [--access-token <jwt>|-] [--refresh-token <t>|-]`:
 * store the backend settings (secrets in the 0600 secrets file, never
 * printed), check the connection, and say what to do next. Settings are kept
 * even when the backend cannot be reached yet (capture never waits for the
 * network). Exit 0 connected, 3 unreachable, 5 credentials missing or refused.
 */
export async function initCommand(options: InitOptions, ctx: Context, stdin: () => Promise<string>): Promise<number> {
  if (options.convex && options.supabase) throw new UsageError('init: give one backend, --convex or --supabase, not both');
  if (!options.convex && !options.supabase) {
    throw new UsageError(
      'init: give the backend, e.g. convoy init --convex https://happy-animal-123.convex.cloud --token - ' +
        'or convoy init --supabase https://<project-ref>.supabase.co --anon-key <key> --access-token -',
    );
  }
  const secret = secretReader(options, stdin);
  const config = await ctx.config();
  const saved = options.supabase ? await saveSupabase(options, config, secret) : await saveConvex(options, config, secret);
  const { backend, missing } = saved;
  if (missing) {
    ctx.reporter.result({ backend, connected: false, error: missing.error }, () => missing.advice);
    return ExitCode.config;
  }
  try {
    await (await ctx.backend()).ping();
  } catch (error) {
    if (!(error instanceof BackendError)) throw error;
    const code = error.auth ? ExitCode.config : ExitCode.offline;
    const advice = error.auth ? saved.authAdvice : 'tasks you capture stay queued; run convoy sync when it is reachable';
    ctx.reporter.result({ backend, connected: false, error: error.message }, () => `Saved, but the check failed: ${error.message}\nNext: ${advice}`);
    return code;
  }
  ctx.reporter.result({ backend, connected: true }, () =>
    [`Connected to ${saved.name} at ${backend.url}.`, 'Next: convoy sync            push your queued tasks and pull everyone else’s', '      convoy sync --watch    keep syncing in the background'].join('\n'),
  );
  return ExitCode.ok;
}
