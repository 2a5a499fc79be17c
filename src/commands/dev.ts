import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export interface DevTokenOptions {
  user?: string;
  ttl?: string;
  jwks?: boolean;
  supabase?: boolean;
  anonKey?: boolean;
  json?: boolean;
}

/**
 * `convoy dev token --user <id>`: a JWT signed with this machine's dev key
 * (the key `convoy dev server --convex` trusts), for local backends and CI
 * only. `--jwks` prints the key set as a data: URL to give the backend
 * (CONVOY_JWT_JWKS). `--supabase`: an access token signed with the Supabase
 * CLI's local JWT secret, which `convoy dev server --supabase` uses;
 * `--anon-key` prints that server's anon key instead.
 */
export async function devTokenCommand(options: DevTokenOptions, ctx: Context): Promise<void> {
  if (options.anonKey && !options.supabase) throw new UsageError('--anon-key is the Supabase stand-in’s key: add --supabase');
  if (options.jwks && options.supabase) throw new UsageError('--jwks is for Convex (the dev key pair); drop --supabase');
  if (options.supabase && options.anonKey) {
    const keys = await supabaseKeys();
    ctx.reporter.result({ anonKey: keys.anonKey }, () => keys.anonKey);
    return;
  }
  const { DEV_ISSUER, jwksDataUrl, mintDevToken } = await import('../dev/token.js');
  const keyDir = ctx.paths.devKeyDir;
  if (options.jwks) {
    const url = await jwksDataUrl(keyDir);
    ctx.reporter.result({ jwks: url, issuer: DEV_ISSUER }, () => url);
    return;
  }
  const user = options.user?.trim();
  if (!user) throw new UsageError('--user is required: the user id the token speaks for, e.g. --user alice');
  if (options.ttl !== undefined && !/^\d+$/.test(options.ttl)) throw new UsageError(`--ttl "${options.ttl}" must be a whole number of seconds`);
  const ttlSeconds = options.ttl === undefined ? undefined : Number(options.ttl);
  if (options.supabase) {
    const keys = await supabaseKeys();
    const token = await keys.accessToken(user, ttlSeconds);
    ctx.reporter.result({ token, user, anonKey: keys.anonKey }, () => token);
    return;
  }
  const token = await mintDevToken({ keyDir, user, ttlSeconds });
  ctx.reporter.result({ token, user, issuer: DEV_ISSUER }, () => token);
}

async function supabaseKeys() {
  const { DEFAULT_JWT_SECRET, Keys, LOCAL_AUTH_ISSUER } = await import('../dev/servers/supabase/auth.js');
  const { DEV_TOKEN_TTL_SECONDS } = await import('../dev/token.js');
  const keys = await Keys.create(DEFAULT_JWT_SECRET, LOCAL_AUTH_ISSUER);
  return { anonKey: keys.anonKey, accessToken: (user: string, ttl?: number) => keys.accessToken(user, ttl ?? DEV_TOKEN_TTL_SECONDS) };
}
