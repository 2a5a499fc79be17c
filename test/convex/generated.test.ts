/**
 * convex/_generated is committed (codegen needs a deployment); after adding,
 * renaming or removing a file in convex/ its `api.d.ts` is adjusted by hand
 * (or by `npx convex codegen`). This keeps the two in step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const CONVEX = fileURLToPath(new URL('../../convex/', import.meta.url));
// Convex's codegen leaves out the schema and the auth config: they define no functions.
const NOT_MODULES = new Set(['schema', 'auth.config']);

it('convex/_generated/api.d.ts lists exactly the modules in convex/', () => {
  const modules = readdirSync(CONVEX, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(CONVEX, join(e.parentPath, e.name)).split(sep).join('/').replace(/\.ts$/, ''))
    .filter((m) => !m.startsWith('_generated/') && !NOT_MODULES.has(m))
    .sort();
  const api = readFileSync(join(CONVEX, '_generated', 'api.d.ts'), 'utf8');
  const listed = [...api.matchAll(/^ {2}"?([\w/.]+)"?: typeof /gm)].map((m) => m[1]).sort();
  expect(listed).toEqual(modules);
});
