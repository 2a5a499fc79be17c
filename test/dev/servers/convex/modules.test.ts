/**
 * The Convex stand-in serves convex/ from a static module list (so the
 * bundle carries it); a function file added to convex/ but not to the list
 * would be missing from `convoy dev server --convex`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONVEX_MODULES } from '../../../../src/dev/servers/convex/modules.js';

const CONVEX_DIR = fileURLToPath(new URL('../../../../convex/', import.meta.url));

describe('the Convex stand-in’s module list', () => {
  it('lists every top-level convex/ file and the generated entry points', () => {
    const files = readdirSync(CONVEX_DIR, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts'))
      .map((e) => `convex/${e.name}`);
    const generated = readdirSync(`${CONVEX_DIR}/_generated`).filter((f) => f.endsWith('.js')).map((f) => `convex/_generated/${f}`);
    expect(Object.keys(CONVEX_MODULES).sort()).toEqual([...files, ...generated].sort());
  });

  it('loads each listed module', async () => {
    for (const load of Object.values(CONVEX_MODULES)) expect(Object.keys(await load()).length).toBeGreaterThan(0);
  });
});
