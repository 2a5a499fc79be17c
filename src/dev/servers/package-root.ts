/**
 * Where the convoy package is, from a module inside it: the checkout when
 * running from source (src/dev/servers/...), the installed package when
 * running from dist/dev-server.mjs. The stand-ins read supabase/migrations
 * from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above `moduleUrl` holding convoy's package.json. */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'convoy') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no convoy package.json above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
}

/** The version of dependency `name` as installed for the package at `root` (nested or hoisted node_modules). */
export function readPackageVersion(root: string, name: string): string {
  for (let dir = root; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (looked in node_modules above ${root})`);
  }
}
