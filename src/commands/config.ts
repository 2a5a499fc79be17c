import type { Context } from '../context.js';
import { paint, table } from '../output/format.js';

export interface ConfigOptions {
  json?: boolean;
}

/** `convoy config get <key>`: the effective value (secrets redacted) and where it came from. */
export async function configGetCommand(key: string, _options: ConfigOptions, ctx: Context): Promise<void> {
  const entry = (await ctx.config()).entry(key);
  ctx.reporter.result(entry, () => (entry.value === null ? `${key} is not set` : entry.value));
}

/**
 * `convoy config set <key> <value>`; a value of `-` is read from stdin so
 * secrets stay out of shell history. Secrets go to a 0600 file.
 */
export async function configSetCommand(key: string, value: string, _options: ConfigOptions, ctx: Context, stdin?: () => Promise<string>): Promise<void> {
  const config = await ctx.config();
  const actual = value === '-' && stdin ? (await stdin()).trim() : value;
  config.set(key, actual);
  const entry = config.entry(key);
  ctx.reporter.result(entry, () => {
    const shadow = entry.source === 'env' ? ` (note: the environment overrides it for now)` : '';
    return `Set ${key} = ${entry.secret ? entry.value : actual}${shadow}`;
  });
}

export async function configUnsetCommand(key: string, _options: ConfigOptions, ctx: Context): Promise<void> {
  const config = await ctx.config();
  config.unset(key);
  ctx.reporter.result(config.entry(key), () => `Unset ${key}`);
}

/** `convoy config list`: every key, its effective value (secrets redacted) and its source. */
export async function configListCommand(_options: ConfigOptions, ctx: Context): Promise<void> {
  const entries = (await ctx.config()).entries();
  ctx.reporter.result(entries, () => {
    const rows = entries.map((e) => [e.key, e.value ?? '-', e.source]);
    return table([['KEY', 'VALUE', 'SOURCE'], ...rows], { style: (r, _c, cell) => (r === 0 ? paint(ctx.reporter.color, 'dim', cell) : cell) });
  });
}

/** `convoy config path`: where config, secrets and the replica live. */
export async function configPathCommand(_options: ConfigOptions, ctx: Context): Promise<void> {
  const files = (await ctx.config()).files;
  const value = { ...files, replica: ctx.paths.replica, profile: ctx.paths.profile };
  ctx.reporter.result(value, () => table(Object.entries(value).map(([k, v]) => [`${k}:`, v])));
}
