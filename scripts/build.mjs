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
  define: { 'import.meta.url': '__convoyModuleUrl', __CONVOY_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  banner: { js: "const __convoyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  external: ['better-sqlite3', 'conf', 'convex', '@supabase/supabase-js', '@supabase/realtime-js', 'ink', 'react', 'jose', 'ws', 'string-width'],
  logLevel: 'warning',
});
