import { join } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export interface DevTokenOptions {
  user?: string;
  ttl?: string;
  jwks?: boolean;
  json?: boolean;
}

/**
 * `convoy dev token --user <id>`: a JWT signed with this machine's dev key,
 * for local backends and CI only. `--jwks` prints the key set as a data: URL
 * to give the backend (CONVOY_JWT_JWKS).
 */
export async function devTokenCommand(options: DevTokenOptions, ctx: Context): Promise<void> {
  const { DEV_ISSUER, jwksDataUrl, mintDevToken } = await import('../dev/token.js');
  const keyDir = join(ctx.paths.dataDir, 'dev-keys');
  if (options.jwks) {
    const url = await jwksDataUrl(keyDir);
    ctx.reporter.result({ jwks: url, issuer: DEV_ISSUER }, () => url);
    return;
  }
  if (!options.user?.trim()) throw new UsageError('--user is required: the user id the token speaks for, e.g. --user alice');
  if (options.ttl !== undefined && !/^\d+$/.test(options.ttl)) throw new UsageError(`--ttl "${options.ttl}" must be a whole number of seconds`);
  const token = await mintDevToken({ keyDir, user: options.user.trim(), ttlSeconds: options.ttl === undefined ? undefined : Number(options.ttl) });
  ctx.reporter.result({ token, user: options.user.trim(), issuer: DEV_ISSUER }, () => token);
}
