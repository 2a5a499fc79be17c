/**
 * Build the configured backend. Each adapter module (and its SDK) is imported
 * only when that backend is used.
 */
import type { ConfigStore } from '../../config/store.js';
import { ConfigError } from '../../errors.js';
import type { Backend } from '../backend.js';

/** Throws ConfigError naming the missing setting and how to set it. */
export async function createBackendFromConfig(config: ConfigStore): Promise<Backend> {
  const kind = config.backendKind();
  if (kind === null) {
    throw new ConfigError('no backend configured; run convoy init --convex <url> --token <jwt> (or set CONVOY_CONVEX_URL)');
  }
  if (kind === 'convex') {
    const url = config.get('convex.url');
    if (!url) throw new ConfigError('convex.url is not set; run convoy init --convex <url> or set CONVOY_CONVEX_URL');
    const token = config.get('convex.token');
    if (!token) throw new ConfigError('convex.token is not set; run convoy config set convex.token - (reads stdin) or set CONVOY_CONVEX_TOKEN');
    const { createConvexBackend } = await import('./convex.js');
    return createConvexBackend({ url, token });
  }
  throw new ConfigError('the supabase backend is not available in this version of convoy; use convex');
}
