/**
 * Build the configured backend. Each backend is one folder here
 * (`<kind>/index.ts`: the `Backend`; `<kind>/from-config.ts`: reading its
 * settings) and one line in `BACKENDS`; a folder's module (and its SDK) is
 * imported only when that backend is used, so `convoy add` never loads one.
 * The in-memory backend (memory/) is a reference for tests: no config, no line.
 */
import type { ConfigStore } from '../../config/store.js';
import { ConfigError } from '../../errors.js';
import type { Backend } from '../backend.js';

/** Stores one setting (a backend's renewed credentials); resolves once it is written. */
export type SaveSetting = (key: string, value: string) => Promise<void>;

/** Backend kind (the `backend` setting) -> its config reader, loaded on use. */
const BACKENDS: Record<string, () => Promise<(config: ConfigStore, save: SaveSetting) => Promise<Backend>>> = {
  convex: async () => (await import('./convex/from-config.js')).convexFromConfig,
  supabase: async () => (await import('./supabase/from-config.js')).supabaseFromConfig,
};

const INIT_HELP =
  'run convoy init --convex <url> --token <jwt> (or set CONVOY_CONVEX_URL), or convoy init --supabase <url> --anon-key <key> --access-token <jwt> (or set CONVOY_SUPABASE_URL)';

/**
 * Throws ConfigError naming the missing setting and how to set it. `config`
 * may be read-only (`openConfigReadOnly`): a backend that must store
 * something (Supabase's rotated tokens) does it through `save`.
 */
export async function createBackendFromConfig(config: ConfigStore, save: SaveSetting): Promise<Backend> {
  const kind = config.backendKind();
  if (kind === null) throw new ConfigError(`no backend configured; ${INIT_HELP}`);
  const load = BACKENDS[kind];
  if (load === undefined) throw new ConfigError(`backend ${JSON.stringify(kind)} is not one convoy knows; use one of ${Object.keys(BACKENDS).join(', ')}`);
  return (await load())(config, save);
}
