/**
 * `convoy dev server [--convex|--supabase] [--port n] [--data <dir>]`: a local
 * stand-in backend for tests and CI, from the installed package. Convex: the
 * project's convex/ functions on the official convex-test runtime, trusting
 * the dev key `convoy dev token` signs with. Supabase: the generated SQL in
 * PGlite behind a PostgREST-like server, with the Supabase CLI's local JWT
 * secret. Runs until `stop` aborts (SIGINT/SIGTERM).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from '../context.js';
import { ConfigError, UsageError } from '../errors.js';
import { importLazy } from '../lazy-import.js';
import { DEV_TOKEN_TTL_SECONDS } from '../dev/token.js';

export interface DevServerOptions {
  convex?: boolean;
  supabase?: boolean;
  port?: string;
  data?: string;
  user?: string;
}

/** What the command prints once the server listens (the JSON document of --json). */
export interface DevServerInfo {
  backend: 'convex' | 'supabase';
  url: string;
  user: string;
  token: string;
  anonKey?: string;
  refreshToken?: string;
  /** The `convoy init` line that points a replica at this server. */
  init: string;
  keyDir?: string;
  dataDir?: string;
}

type DevServers = typeof import('../dev/servers/index.js');
declare const __CONVOY_DEV_SERVER_BUNDLE__: string | undefined;

/**
 * The stand-ins: from dist/dev-server.mjs when running the built CLI (a
 * separate bundle, so nothing else loads them), from source otherwise.
 */
async function loadServers(): Promise<DevServers> {
  if (typeof __CONVOY_DEV_SERVER_BUNDLE__ === 'string') {
    return await importLazy<DevServers>(pathToFileURL(resolve(__dirname, __CONVOY_DEV_SERVER_BUNDLE__)).href);
  }
  return await import('../dev/servers/index.js');
}

/** Default ports: those of a real local backend (`npx convex dev --local`, `supabase start`), so recipes read the same. */
export const DEFAULT_PORTS = { convex: 3210, supabase: 54321 } as const;

function parsePort(value: string | undefined, backend: 'convex' | 'supabase'): number {
  if (value === undefined) return DEFAULT_PORTS[backend];
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port "${value}" must be a port number from 0 to 65535 (0: any free port)`);
  return Number(value);
}

/**
 * Start the stand-in, report its URL, a token and the `convoy init` line,
 * then serve until `stop` aborts; closes the server before returning.
 */
export async function devServerCommand(options: DevServerOptions, ctx: Context, lifecycle: { stop: AbortSignal }): Promise<void> {
  if (options.convex && options.supabase) throw new UsageError('dev server: give one backend, --convex or --supabase, not both');
  const backend = options.supabase ? 'supabase' : 'convex';
  const port = parsePort(options.port, backend);
  if (options.data !== undefined && backend === 'convex') {
    throw new UsageError('--data keeps the Supabase stand-in’s PGlite data; the Convex stand-in keeps its data in memory only (drop --data, or use --supabase)');
  }
  if (options.data !== undefined && !options.data.trim()) throw new UsageError('--data needs a directory, e.g. --data .convoy-dev-db');
  const user = options.user?.trim() || 'dev';
  const servers = await loadServers();
  let info: DevServerInfo;
  let close: () => Promise<void>;
  if (backend === 'convex') {
    const server = await servers.startConvexServer({ port, keyDir: ctx.paths.devKeyDir });
    close = () => server.close();
    const token = await server.mintToken(user, { ttlSeconds: DEV_TOKEN_TTL_SECONDS });
    info = { backend, url: server.url, user, token, init: `convoy init --convex ${server.url} --token ${token}`, keyDir: ctx.paths.devKeyDir };
  } else {
    const dataDir = options.data === undefined ? undefined : resolve(options.data);
    const server = await servers
      .startSupabaseServer({ port, databaseUrl: null, dataDir, cacheDir: resolve(ctx.paths.dataDir, 'dev-server-cache') })
      .catch(explainMissingPglite);
    close = () => server.close();
    const { accessToken, refreshToken } = await server.session(user, { ttlSeconds: DEV_TOKEN_TTL_SECONDS });
    const init = `convoy init --supabase ${server.url} --anon-key ${server.anonKey} --access-token ${accessToken} --refresh-token ${refreshToken}`;
    info = { backend, url: server.url, user, token: accessToken, anonKey: server.anonKey, refreshToken, init, ...(dataDir ? { dataDir } : {}) };
  }
  try {
    ctx.reporter.result(info, () => describe(info));
    if (!lifecycle.stop.aborted) await new Promise((done) => lifecycle.stop.addEventListener('abort', done, { once: true }));
  } finally {
    await close();
  }
}

/** PGlite is an optional dependency: an install without it gets the fix, not a stack trace. */
function explainMissingPglite(error: unknown): never {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && /@electric-sql\/pglite/.test(e.message)) {
    throw new ConfigError('the Supabase stand-in needs @electric-sql/pglite, an optional dependency this install left out; reinstall convoy without --omit=optional (npm install -g convoy)');
  }
  throw error;
}

function describe(info: DevServerInfo): string {
  const convex = info.backend === 'convex';
  const what = convex ? 'Convex stand-in (convex/ on convex-test)' : 'Supabase stand-in (supabase/migrations in PGlite)';
  const keeps = info.dataDir ? `data kept in ${info.dataDir}` : 'data in memory only, gone when it stops';
  const again = convex
    ? `  convoy init --convex ${info.url} --token "$(convoy dev token --user ${info.user})"`
    : `  convoy init --supabase ${info.url} --anon-key "$(convoy dev token --supabase --anon-key)" --access-token "$(convoy dev token --supabase --user ${info.user})"`;
  return [
    `convoy dev server: local ${what} at ${info.url}`,
    `A local stand-in for tests and CI (${keeps}), not a deployment.`,
    '',
    `token for user "${info.user}" (7 days): ${info.token}`,
    ...(info.anonKey ? [`anon key: ${info.anonKey}`] : []),
    '',
    'Point a replica at it:',
    `  ${info.init}`,
    'or, with tokens from the same dev keys:',
    again,
    '',
    'Stop with Ctrl-C (SIGINT) or SIGTERM.',
  ].join('\n');
}
