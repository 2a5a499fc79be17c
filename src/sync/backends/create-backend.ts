/**
 * Build the configured backend. Each adapter module (and its SDK) is imported
 * only when that backend is used.
 */
import type { ConfigStore } from '../../config/store.js';
import { ConfigError } from '../../errors.js';
import type { Backend } from '../backend.js';

const INIT_HELP =
  'run convoy init --convex <url> --token <jwt> (or set CONVOY_CONVEX_URL), or convoy init --supabase <url> --anon-key <key> --access-token <jwt> (or set CONVOY_SUPABASE_URL)';

/** Throws ConfigError naming the missing setting and how to set it. */
export async function createBackendFromConfig(config: ConfigStore): Promise<Backend> {
  const kind = config.backendKind();
  if (kind === null) throw new ConfigError(`no backend configured; ${INIT_HELP}`);
  if (kind === 'convex') {
    const url = config.get('convex.url');
    if (!url) throw new ConfigError('convex.url is not set; run convoy init --convex <url> or set CONVOY_CONVEX_URL');
    const token = config.get('convex.token');
    if (!token) throw new ConfigError('convex.token is not set; run convoy config set convex.token - (reads stdin) or set CONVOY_CONVEX_TOKEN');
    const { createConvexBackend } = await import('./convex.js');
    return createConvexBackend({ url, token });
  }
  return createSupabaseFromConfig(config);
}

/**
 * The Supabase backend from supabase.url, supabase.anonKey and
 * supabase.accessToken and/or supabase.refreshToken. Renewed tokens are
 * stored back (Supabase rotates refresh tokens; the old one stops working).
 */
async function createSupabaseFromConfig(config: ConfigStore): Promise<Backend> {
  const url = config.get('supabase.url');
  if (!url) throw new ConfigError('supabase.url is not set; run convoy init --supabase <url> --anon-key <key> --access-token - or set CONVOY_SUPABASE_URL');
  const anonKey = config.get('supabase.anonKey');
  if (!anonKey) throw new ConfigError('supabase.anonKey is not set; run convoy config set supabase.anonKey <key> or set CONVOY_SUPABASE_ANON_KEY');
  const accessToken = config.get('supabase.accessToken') ?? null;
  const refreshToken = config.get('supabase.refreshToken') ?? null;
  if (!accessToken && !refreshToken) {
    throw new ConfigError('supabase.accessToken is not set; run convoy config set supabase.accessToken - (reads stdin) or set CONVOY_SUPABASE_TOKEN');
  }
  const { createSupabaseBackend } = await import('./supabase.js');
  return createSupabaseBackend({
    url,
    anonKey,
    accessToken,
    refreshToken,
    onTokens: (tokens) => {
      config.set('supabase.accessToken', tokens.accessToken);
      config.set('supabase.refreshToken', tokens.refreshToken);
    },
  });
}
