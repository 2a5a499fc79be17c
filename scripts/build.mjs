// Bundles the CLI into dist/ with esbuild. Our code, commander, drizzle and uuid
// are bundled (module resolution dominates Node startup); native and heavy
// packages stay external and load only in the commands that need them.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['better-sqlite3', 'conf', 'convex', '@supabase/supabase-js', 'ink', 'react', 'jose', 'ws'],
  // Bundled CommonJS (commander) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __convoyRequire } from 'node:module'; const require = __convoyRequire(import.meta.url);" },
  logLevel: 'warning',
});
