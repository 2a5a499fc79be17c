/**
 * Settings for commands that only read them (`convoy status`): the same
 * files and the same `ConfigStore` rules (environment first), through a
 * read-only stand-in for `conf`, so that reading two values does not load
 * `conf` and its JSON-schema validator (most of such a command's start-up).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Conf from 'conf';
import type { Notice } from '../private-files.js';
import type { Paths } from './paths.js';
import { ConfigStore } from './store.js';

/** A JSON file with `conf`'s dot-notation `get` ("convex.url"), read on every get as `conf` does. Missing file: no settings. */
class ReadOnlyConf {
  readonly path: string;

  constructor(options: { cwd: string; configName: string }) {
    this.path = join(options.cwd, `${options.configName}.json`);
    this.#read(); // a broken file fails here, where ConfigStore reports it
  }

  #read(): unknown {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return {};
    }
  }

  get(key: string): unknown {
    return key.split('.').reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), this.#read());
  }
}

/**
 * The config, read-only (no `set`); throws ConfigError like `openConfig` for
 * an unreadable file. Like `openConfig`, tightens loose file modes, telling `notice`.
 */
export function openConfigReadOnly(paths: Paths, env: NodeJS.ProcessEnv, notice?: Notice): ConfigStore {
  return new ConfigStore(ReadOnlyConf as unknown as typeof Conf, paths, env, notice);
}
