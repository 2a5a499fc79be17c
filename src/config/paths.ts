/**
 * Where convoy keeps its data and config. Light on purpose: `convoy add` needs
 * the replica path and must not load the config library.
 */
import { join } from 'node:path';
import envPaths from 'env-paths';
import { UsageError } from '../errors.js';

export interface Paths {
  /** Folder holding config.json and secrets.json for the active profile. */
  configDir: string;
  /** The SQLite replica of the active profile. */
  replica: string;
  /** Folder for locks, heartbeats and dev keys. */
  dataDir: string;
  /**
   * The dev key pair's folder, shared by `convoy dev token`, `convoy dev
   * server` and `npm run dev:*`: <dataDir>/dev-keys unless CONVOY_DEV_KEY_DIR says otherwise.
   */
  devKeyDir: string;
  profile: string;
}

const PROFILE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Resolve paths from the environment: `CONVOY_HOME` holds both data and
 * config when set; otherwise the platform's data and config dirs.
 * `CONVOY_PROFILE` (default "default") keeps a separate replica and config.
 */
export function resolvePaths(env: NodeJS.ProcessEnv): Paths {
  const profile = env.CONVOY_PROFILE?.trim() || 'default';
  if (!PROFILE.test(profile)) {
    throw new UsageError(`CONVOY_PROFILE "${profile}" is not a valid profile name; use letters, digits, - and _`);
  }
  const home = env.CONVOY_HOME?.trim();
  const base = home ? { data: home, config: home } : envPaths('convoy', { suffix: '' });
  const sub = profile === 'default' ? '' : join('profiles', profile);
  const dataDir = join(base.data, sub);
  const devKeyDir = env.CONVOY_DEV_KEY_DIR?.trim() || join(dataDir, 'dev-keys');
  return { configDir: join(base.config, sub), dataDir, replica: join(dataDir, 'replica.db'), devKeyDir, profile };
}
