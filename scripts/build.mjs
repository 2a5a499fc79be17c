// Bundles the CLI into dist/main.cjs with esbuild. Our code, commander, drizzle
// and uuid are bundled (module loading dominates Node startup); native and
// heavy packages stay external and are imported dynamically by the commands
// that need them. CommonJS so that bin/convoy.cjs can load it with a V8 code
// cache (Node 20 has no module.enableCompileCache).
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Old code caches belong to old bundles (bin/convoy.cjs keys them by bundle).
for (const file of existsSync('dist') ? readdirSync('dist', { withFileTypes: true }).filter((f) => f.name.endsWith('.cache')) : []) {
  rmSync(`dist/${file.name}`);
}

/** Keeps src/dev/servers out of main.cjs: the built CLI imports dist/dev-server.mjs instead (src/commands/dev-server.ts). */
const devServersApart = {
  name: 'dev-servers-apart',
  setup(b) {
    b.onResolve({ filter: /\/dev\/servers\/index\.js$/ }, () => ({ path: 'dist/dev-server.mjs', external: true }));
  },
};

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
  // `convoy dev server` loads the stand-ins from their own bundle (below), so no other command pays for them.
  define: {
    'import.meta.url': '__convoyModuleUrl',
    __CONVOY_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version),
    __CONVOY_DEV_SERVER_BUNDLE__: JSON.stringify('dev-server.mjs'),
    // `convoy board` loads Ink from its own bundle (below).
    __CONVOY_INK__: JSON.stringify('./ink.mjs'),
  },
  banner: { js: "const __convoyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  external: ['better-sqlite3', 'conf', 'convex', '@supabase/supabase-js', '@supabase/realtime-js', 'ink', 'react', 'jose', 'ws', 'string-width'],
  plugins: [devServersApart],
  logLevel: 'warning',
});

// The local stand-in servers of `convoy dev server` with the project's convex/
// functions: ESM (convex-test is), loaded only by that command. The runtimes
// they drive stay packages (dependencies); the baseline SQL sits next to the bundle.
await build({
  entryPoints: ['src/dev/servers/index.ts'],
  outfile: 'dist/dev-server.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: true,
  external: ['convex', 'convex-test', '@electric-sql/pglite', 'pg', 'jose', 'ws'],
  logLevel: 'warning',
});
copyFileSync('src/dev/servers/supabase/baseline.sql', 'dist/baseline.sql');

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
