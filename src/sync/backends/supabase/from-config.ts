/**
 * The Supabase backend from supabase.url, supabase.anonKey and
 * supabase.accessToken and/or supabase.refreshToken. Renewed tokens are
 * stored back (Supabase rotates refresh tokens; the old one stops working).
 */
import type { ConfigStore } from '../../../config/store.js';
import { ConfigError } from '../../../errors.js';
import type { Backend } from '../../backend.js';
import type { SaveSetting } from '../create-backend.js';

/**
 * Throws ConfigError naming the missing setting and how to set it. Imports
 * the adapter (and its client) only now. `save` stores a setting (renewed
 * tokens): `config` itself may be the read-only settings.
 */
export async function supabaseFromConfig(config: ConfigStore, save: SaveSetting): Promise<Backend> {
  const url = config.get('supabase.url');
  if (!url) throw new ConfigError('supabase.url is not set; run convoy init --supabase <url> --anon-key <key> --access-token - or set CONVOY_SUPABASE_URL');
  const anonKey = config.get('supabase.anonKey');
  if (!anonKey) throw new ConfigError('supabase.anonKey is not set; run convoy config set supabase.anonKey <key> or set CONVOY_SUPABASE_ANON_KEY');
  const accessToken = config.get('supabase.accessToken') ?? null;
  const refreshToken = config.get('supabase.refreshToken') ?? null;
  if (!accessToken && !refreshToken) {
    throw new ConfigError('supabase.accessToken is not set; run convoy config set supabase.accessToken - (reads stdin) or set CONVOY_SUPABASE_TOKEN');
  }
  const { createSupabaseBackend } = await import('./index.js');
  return createSupabaseBackend({
    url,
    anonKey,
    accessToken,
    refreshToken,
    onTokens: async (tokens) => {
      await save('supabase.accessToken', tokens.accessToken);
      await save('supabase.refreshToken', tokens.refreshToken);
    },
  });
}
