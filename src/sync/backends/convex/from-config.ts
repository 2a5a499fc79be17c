/** The Convex backend from convex.url and convex.token (config or environment). */
import type { ConfigStore } from '../../../config/store.js';
import { ConfigError } from '../../../errors.js';
import type { Backend } from '../../backend.js';

/** Throws ConfigError naming the missing setting and how to set it. Imports the Convex SDK only now. */
export async function convexFromConfig(config: ConfigStore): Promise<Backend> {
  const url = config.get('convex.url');
  if (!url) throw new ConfigError('convex.url is not set; run convoy init --convex <url> or set CONVOY_CONVEX_URL');
  const token = config.get('convex.token');
  if (!token) throw new ConfigError('convex.token is not set; run convoy config set convex.token - (reads stdin) or set CONVOY_CONVEX_TOKEN');
  const { createConvexBackend } = await import('./index.js');
  return createConvexBackend({ url, token });
}
