/**
 * Configuration: plain settings in config.json, secrets in secrets.json (mode
 * 0600), both managed by `conf`. Environment variables beat the files.
 * Loaded lazily: only commands that need config import this module, and
 * `conf` itself is imported dynamically so a bundle never hoists it.
 */
import type Conf from 'conf';
import { ConfigError, UsageError } from '../errors.js';
import { importLazy } from '../lazy-import.js';
import { ensurePrivateDir, statOrNull, tightenMode, type Notice } from '../private-files.js';
import { CONFLICT_POLICIES, MAX_WORKSPACE_NAME, type ConflictPolicy } from '../schema/protocol.js';
import { TABLES, type TableName } from '../schema/tables.js';
import type { Paths } from './paths.js';

export type BackendKind = 'convex' | 'supabase';

interface KeySpec {
  secret: boolean;
  env?: string;
  describe: string;
  /** Returns a message saying what is wrong and how to fix it, or null. */
  check?: (value: string) => string | null;
}

const isUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be an http(s) URL';
  } catch {
    return 'must be a URL such as https://happy-animal-123.convex.cloud';
  }
};

const checkPolicy = (v: string) => (CONFLICT_POLICIES.includes(v as ConflictPolicy) ? null : `must be one of ${CONFLICT_POLICIES.join(', ')}`);

/** A comma-separated list of workspace names (or ids): each non-blank, within the name limit, no control characters. */
function checkWorkspaceNames(value: string): string | null {
  const names = value.split(',').map((n) => n.trim());
  const bad = names.find((n) => n === '' || n.length > MAX_WORKSPACE_NAME || /\p{Cc}/u.test(n));
  if (bad === undefined) return null;
  return `must be workspace names separated by commas (each 1-${MAX_WORKSPACE_NAME} characters), e.g. personal,Team; ${bad === '' ? 'one is empty' : `"${bad}" is not a name`}`;
}

export const CONFIG_KEYS: Record<string, KeySpec> = {
  backend: {
    secret: false,
    describe: 'which backend to sync with: convex or supabase',
    check: (v) => (v === 'convex' || v === 'supabase' ? null : 'must be convex or supabase'),
  },
  'convex.url': { secret: false, env: 'CONVOY_CONVEX_URL', describe: 'Convex deployment URL', check: isUrl },
  'convex.token': { secret: true, env: 'CONVOY_CONVEX_TOKEN', describe: 'JWT identifying you to Convex' },
  'supabase.url': { secret: false, env: 'CONVOY_SUPABASE_URL', describe: 'Supabase project URL', check: isUrl },
  'supabase.anonKey': { secret: true, env: 'CONVOY_SUPABASE_ANON_KEY', describe: 'Supabase anon (public) key' },
  'supabase.accessToken': { secret: true, env: 'CONVOY_SUPABASE_TOKEN', describe: 'Supabase user access token' },
  'supabase.refreshToken': { secret: true, describe: 'Supabase refresh token (renews the access token)' },
  // One conflict-policy key per synced table, from its declaration.
  ...Object.fromEntries(
    TABLES.map((t): [string, KeySpec] => [`policy.${t.name}`, { secret: false, describe: `conflict policy for ${t.name} (default ${t.policy})`, check: checkPolicy }]),
  ),
  workspace: {
    secret: false,
    env: 'CONVOY_WORKSPACE',
    describe: 'the current workspace (name or id) for new tasks, list and board; unset: personal (convoy workspace use)',
    check: (v) => (v.trim() === '' ? 'must name a workspace (convoy workspace list); unset it for the personal one' : null),
  },
  'sync.batchSize': {
    secret: false,
    describe: "ops per push request (1-5000, cut to the backend's limit; default the backend's preferred size)",
    check: (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 5000 ? null : 'must be a whole number from 1 to 5000'),
  },
  'sync.workspaces': {
    secret: false,
    describe: 'the workspaces convoy sync and the daemon sync, by name, comma-separated (default: every workspace you belong to)',
    check: checkWorkspaceNames,
  },
};

export type ConfigSource = 'env' | 'file' | 'unset';

export interface ConfigEntry {
  key: string;
  /** Secrets are redacted: never printed in full. */
  value: string | null;
  source: ConfigSource;
  secret: boolean;
}

/** Show enough of a secret to recognise it, never all of it. */
export function redact(secret: string): string {
  return secret.length <= 8 ? '••••' : `${secret.slice(0, 4)}…${secret.slice(-2)} (${secret.length} chars)`;
}

function keySpec(key: string): KeySpec {
  const spec = CONFIG_KEYS[key];
  if (!spec) throw new UsageError(`unknown config key "${key}"; use one of ${Object.keys(CONFIG_KEYS).join(', ')}`);
  return spec;
}

export class ConfigStore {
  readonly #plain: Conf<Record<string, unknown>>;
  readonly #secrets: Conf<Record<string, unknown>>;
  readonly #env: NodeJS.ProcessEnv;

  constructor(ConfClass: typeof Conf, paths: Paths, env: NodeJS.ProcessEnv, notice: Notice = () => undefined) {
    this.#env = env;
    // Both files are private (task data and backend URLs are nobody else's business), in a private folder.
    ensurePrivateDir(paths.configDir, notice, 'config folder');
    const common = { projectName: 'convoy', cwd: paths.configDir, projectSuffix: '', configFileMode: 0o600 };
    try {
      this.#plain = new ConfClass({ ...common, configName: 'config' });
      this.#secrets = new ConfClass({ ...common, configName: 'secrets' });
    } catch (error) {
      throw new ConfigError(`cannot read config in ${paths.configDir}: ${(error as Error).message}; fix or delete the file`);
    }
    for (const file of [this.#plain.path, this.#secrets.path]) {
      const stats = statOrNull(file);
      if (stats) tightenMode(file, stats, 0o600, notice);
    }
  }

  /** Paths of the two files, for `convoy config path`. */
  get files(): { config: string; secrets: string } {
    return { config: this.#plain.path, secrets: this.#secrets.path };
  }

  #file(key: string) {
    return keySpec(key).secret ? this.#secrets : this.#plain;
  }

  /**
   * The effective raw value (env first, then file), unredacted: for code,
   * never for printing. A value in a file is checked like `config set` checks
   * it: ConfigError naming the key and the file when it is wrong.
   */
  get(key: string): string | undefined {
    const spec = keySpec(key);
    const fromEnv = spec.env ? this.#env[spec.env] : undefined;
    if (fromEnv) return fromEnv;
    const file = this.#file(key);
    const stored = file.get(key);
    if (stored === undefined) return undefined;
    const problem = typeof stored !== 'string' ? `must be a string, not ${JSON.stringify(stored)}` : spec.check?.(stored);
    if (problem) {
      throw new ConfigError(`${key} in ${file.path} ${problem}; fix it with convoy config set ${key} <value> (or convoy config unset ${key})`);
    }
    return stored as string;
  }

  /** The value as it may be shown to a person, with where it came from. */
  entry(key: string): ConfigEntry {
    const spec = keySpec(key);
    const fromEnv = spec.env ? this.#env[spec.env] : undefined;
    const raw = this.get(key);
    const source: ConfigSource = fromEnv ? 'env' : raw === undefined ? 'unset' : 'file';
    const value = raw === undefined ? null : spec.secret ? redact(raw) : raw;
    return { key, value, source, secret: spec.secret };
  }

  entries(): ConfigEntry[] {
    return Object.keys(CONFIG_KEYS).map((key) => this.entry(key));
  }

  /** Validate and store. Throws UsageError (nothing written) on a bad value. */
  set(key: string, value: string): void {
    const problem = keySpec(key).check?.(value);
    if (problem) throw new UsageError(`${key} ${problem}`);
    this.#file(key).set(key, value);
  }

  unset(key: string): void {
    this.#file(key).delete(key);
  }

  /** Conflict policies the user set, per table (unset tables keep the registry default). */
  policies(): Partial<Record<TableName, ConflictPolicy>> {
    const out: Partial<Record<TableName, ConflictPolicy>> = {};
    for (const { name: table } of TABLES) {
      const value = this.get(`policy.${table}`);
      if (value) out[table] = value as ConflictPolicy;
    }
    return out;
  }

  /** The backend in effect (see `backendKind`) and its URL, or null when none is configured. */
  backendInfo(): { kind: BackendKind; url: string | null } | null {
    const kind = this.backendKind();
    return kind ? { kind, url: this.get(`${kind}.url`) ?? null } : null;
  }

  /**
   * The backend in effect: a backend URL given in the environment first (env
   * beats files), then the `backend` setting, then whichever URL is stored.
   */
  backendKind(): BackendKind | null {
    const convexEnv = Boolean(this.#env.CONVOY_CONVEX_URL);
    const supabaseEnv = Boolean(this.#env.CONVOY_SUPABASE_URL);
    if (convexEnv !== supabaseEnv) return convexEnv ? 'convex' : 'supabase';
    const explicit = this.get('backend');
    if (explicit === 'convex' || explicit === 'supabase') return explicit;
    if (this.get('convex.url')) return 'convex';
    if (this.get('supabase.url')) return 'supabase';
    return null;
  }
}

/** `notice` hears about modes tightened to private (the CLI prints it on stderr). */
export async function openConfig(paths: Paths, env: NodeJS.ProcessEnv, notice?: Notice): Promise<ConfigStore> {
  const { default: ConfClass } = await importLazy<typeof import('conf')>('conf');
  return new ConfigStore(ConfClass, paths, env, notice);
}
