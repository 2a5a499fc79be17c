/**
 * What a command gets besides its options: where things live, the replica
 * (opened on first use), config (loaded on first use), a clock and a reporter.
 */
import { resolvePaths, type Paths } from './config/paths.js';
import { openConfigReadOnly } from './config/read-only.js';
import type { ConfigStore } from './config/store.js';
import { openReplica, type Replica } from './db/open.js';
import type { Reporter } from './output/reporter.js';
import type { Backend } from './sync/backend.js';

export interface Context {
  readonly env: NodeJS.ProcessEnv;
  readonly paths: Paths;
  readonly reporter: Reporter;
  /** Epoch milliseconds; injectable for tests. */
  now(): number;
  /** The replica, opened (and migrated) on first call. */
  replica(): Replica;
  /** The config store; the config library is imported on first call only. */
  config(): Promise<ConfigStore>;
  /**
   * The settings, read-only (the same files and rules as `config()`, without
   * loading the config library: most of a short command's start-up). Read
   * afresh on each get.
   */
  settings(): ConfigStore;
  /** The configured backend (throws ConfigError when there is none); its SDK loads on first call. */
  backend(): Promise<Backend>;
  /** A new backend from the config as it is now (the daemon's SIGHUP reload); the caller closes it. */
  createBackend(): Promise<Backend>;
  /** Close whatever was opened. Idempotent. */
  close(): void;
}

export interface ContextOptions {
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  now?: () => number;
  /** Build the backend (tests pass one pointed at a local server). Default: from config. */
  backendFactory?: (ctx: Context) => Promise<Backend>;
}

export function createContext(options: ContextOptions): Context {
  const paths = resolvePaths(options.env);
  let replica: Replica | undefined;
  let config: ConfigStore | undefined;
  let backend: Backend | undefined;
  const ctx: Context = {
    env: options.env,
    paths,
    reporter: options.reporter,
    now: options.now ?? Date.now,
    replica: () => (replica ??= openReplica(paths.replica, { notice: (message) => options.reporter.note(message) })),
    async config() {
      if (!config) {
        const { openConfig } = await import('./config/store.js');
        config = await openConfig(paths, options.env, (message) => options.reporter.note(message));
      }
      return config;
    },
    async backend() {
      backend ??= await ctx.createBackend();
      return backend;
    },
    settings: () => openConfigReadOnly(paths, options.env, (message) => options.reporter.note(message)),
    async createBackend() {
      if (options.backendFactory) return options.backendFactory(ctx);
      const { createBackendFromConfig } = await import('./sync/backends/create-backend.js');
      // Read through the read-only settings; only a renewal that must be stored loads the config library.
      return createBackendFromConfig(ctx.settings(), async (key, value) => (await ctx.config()).set(key, value));
    },
    close() {
      replica?.close();
      replica = undefined;
      void backend?.close();
      backend = undefined;
    },
  };
  return ctx;
}
