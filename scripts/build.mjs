// Bundles the CLI into dist/main.cjs with esbuild. Our code, commander, drizzle
// and uuid are bundled (module loading dominates Node startup); native and
// heavy packages stay external and are imported dynamically by the commands
// that need them. CommonJS so that bin/convoy.cjs can load it with a V8 code
// cache (Node 20 has no module.enableCompileCache).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Old code caches belong to old bundles (bin/convoy.cjs keys them by bundle).
for (const file of existsSync('dist') ? readdirSync('dist', { withFileTypes: true }).filter((f) => f.name.endsWith('.cache')) : []) {
  rmSync(`dist/${file.name}`);
}

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: true,
  // import.meta does not exist in CommonJS; migrate.ts uses it to find drizzle/.
  // The version is package.json's, fixed at build time (src/version.ts).
  define: { 'import.meta.url': '__convoyModuleUrl', __CONVOY_INK__: JSON.stringify('./ink.mjs'), __CONVOY_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  banner: { js: "const __convoyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  external: ['better-sqlite3', 'conf', 'convex', '@supabase/supabase-js', 'ink', 'react', 'jose', 'ws', 'string-width'],
  logLevel: 'warning',
});

// Ink and its dependencies as ONE ES module (it has top-level await, so not
// CommonJS), loaded by `convoy board` only (src/commands/board.ts): Node's ESM
// loader resolving, reading and linking Ink's few hundred files one by one
// took most of the board's start-up. React stays external: the board's
// components (in main.cjs) and Ink must share one React. Ink's React DevTools
// hook (DEV=true only) is left out: it would need react-devtools-core.
await build({
  entryPoints: ['ink'],
  outfile: 'dist/ink.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Yoga's WebAssembly loader asks `typeof fetch`, which makes Node load its
  // whole HTTP client (undici); the module is inline, so fetch is never used.
  define: { fetch: 'undefined' },
  // The bundled CommonJS parts (react-reconciler, and React itself below) are required through this.
  banner: { js: "import { createRequire as __convoyCreateRequire } from 'node:module'; const require = __convoyCreateRequire(import.meta.url);" },
  plugins: [
    {
      // React is required (CommonJS), never imported: an ES import of a
      // CommonJS package makes Node parse it for its export names first.
      name: 'react-by-require',
      setup(b) {
        b.onResolve({ filter: /^react$/ }, (args) => (args.namespace === 'react-by-require' ? { path: 'react', external: true } : { path: 'react', namespace: 'react-by-require' }));
        b.onLoad({ filter: /.*/, namespace: 'react-by-require' }, () => ({ contents: "module.exports = require('react');" }));
      },
    },
    {
      name: 'no-devtools',
      setup(b) {
        b.onResolve({ filter: /\/devtools\.js$/ }, () => ({ path: 'devtools', namespace: 'convoy-stub' }));
        b.onLoad({ filter: /.*/, namespace: 'convoy-stub' }, () => ({ contents: "throw new Error('React DevTools are not bundled with convoy');" }));
      },
    },
  ],
  logLevel: 'warning',
});
