/**
 * Every environment variable convoy reads, for `convoy help environment` and
 * the line in top-level --help. The backend ones come from the config keys
 * (src/config/store.ts), so a new key with an env name appears here by itself.
 */
import { CONFIG_KEYS } from './config/store.js';

export interface EnvVar {
  name: string;
  describe: string;
}

export function environmentVariables(): EnvVar[] {
  const fromConfig = Object.entries(CONFIG_KEYS).flatMap(([key, spec]) =>
    spec.env ? [{ name: spec.env, describe: `${spec.describe} (beats config key ${key})` }] : [],
  );
  return [
    { name: 'CONVOY_HOME', describe: 'folder for the replica, config and hooks (default: the platform data and config dirs)' },
    { name: 'CONVOY_PROFILE', describe: 'a separate replica and config under profiles/<name>/ (default: default)' },
    ...fromConfig,
    { name: 'CONVOY_DEV_KEY_DIR', describe: 'folder of the dev key pair of `convoy dev token` and `convoy dev server` (default: <CONVOY_HOME>/dev-keys)' },
    { name: 'CONVOY_DEBUG', describe: 'set to 1: print a stack trace with an unexpected error' },
    { name: 'NO_COLOR', describe: 'no colour, whatever else is set' },
    { name: 'FORCE_COLOR', describe: 'colour even when stdout is not a terminal (0 turns it off)' },
    { name: 'CLICOLOR_FORCE', describe: 'the same as FORCE_COLOR' },
    { name: 'TERM', describe: 'dumb: no colour' },
  ];
}

/** The `convoy help environment` text. */
export function environmentHelp(): string {
  const vars = environmentVariables();
  const width = Math.max(...vars.map((v) => v.name.length));
  return ['Environment variables (the environment beats the config file):', ...vars.map((v) => `  ${v.name.padEnd(width)}  ${v.describe}`)].join('\n');
}
