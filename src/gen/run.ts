/**
 * `npm run gen`: write every file derived from the table declarations
 * (src/schema/tables.ts), then let drizzle-kit add the replica migration the
 * change needs. `npm run gen -- --check` exits 1 when a generated file on
 * disk differs from what the declarations give (test/gen runs the same
 * checks, so a stale file fails CI).
 *
 * Build-time only: nothing in the CLI's runtime imports this folder.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { TABLES } from '../schema/tables.js';
import { generateSupabaseSql, SUPABASE_MIGRATIONS, supabaseMigrationPath } from './supabase-sql.js';
import { drizzleFiles } from './drizzle.js';
import type { GeneratedFile } from './generated-file.js';


export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every generated file (each generator adds its own here). */
export function generatedFiles(): GeneratedFile[] {
  const sql = generateSupabaseSql(TABLES);
  const dir = join(ROOT, SUPABASE_MIGRATIONS);
  const path = supabaseMigrationPath(readdirSync(dir), (name) => readFileSync(join(dir, name), 'utf8'), sql, new Date());
  return [...drizzleFiles(), { path, content: sql }];
}

/** Generated files whose text on disk differs (or that are missing). */
export function staleFiles(files = generatedFiles()): string[] {
  return files
    .filter((file) => {
      try {
        return readFileSync(join(ROOT, file.path), 'utf8') !== file.content;
      } catch {
        return true;
      }
    })
    .map((file) => file.path);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = generatedFiles();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(files);
    if (stale.length > 0) {
      console.error(`stale generated files (run npm run gen): ${stale.join(', ')}`);
      process.exit(1);
    }
  } else {
    for (const file of files) writeFileSync(join(ROOT, file.path), file.content);
    console.log(`wrote ${files.length} generated files`);
    // The replica's migrations follow the drizzle tables; drizzle-kit appends one when they changed.
    execFileSync(join(ROOT, 'node_modules', '.bin', 'drizzle-kit'), ['generate'], { cwd: ROOT, stdio: 'inherit' });
  }
}
