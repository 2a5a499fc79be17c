/**
 * "A field is declared once": a synced task field is named in at most three
 * hand-written files under src/, convex/ and supabase/ (its declaration in
 * src/schema/tables.ts, at most a CLI flag in src/cli.ts, and one display
 * spot). Generated files (a "generated" note in their first lines) do not
 * count; comments do not either (they may say what a field means).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const EXTENSIONS = /\.(ts|tsx|js|mjs|cjs|sql)$/;
/** The task fields distinctive enough to find by name, in their camelCase and snake_case spellings. */
const FIELDS: Record<string, RegExp> = {
  stage: /\bstage\b/,
  projectId: /\b(projectId|project_id)\b/,
  parentId: /\b(parentId|parent_id)\b/,
  completedAt: /\b(completedAt|completed_at)\b/,
  priority: /\bpriority\b/,
  // The word "due" is English too: only code spellings (task.due, 'due', due:, --due).
  due: /(\w\.due\b|'due'|\bdue:|--due\b)/,
  blockedBy: /\b(blockedBy|blocked_by)\b/,
};
const MAX_FILES = 3;
/** due also has list's time filters (--due-before, --overdue) besides its flag and the board's marker. */
const MAX_FILES_OF: Record<string, number> = { due: 4 };

function files(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '_generated') return [];
    if (statSync(path).isDirectory()) return files(path);
    return EXTENSIONS.test(name) ? [path] : [];
  });
}

const isGenerated = (text: string) => /generated/i.test(text.split('\n').slice(0, 3).join('\n'));

/** The text without comments (`//` and block comments in TS/JS, `--` and block comments in SQL). Good enough for names. */
function code(text: string, sql: boolean): string {
  const block = text.replace(/\/\*[\s\S]*?\*\//g, '');
  return block
    .split('\n')
    .map((line) => line.replace(sql ? /--.*$/ : /(^|[^:'"`])\/\/.*$/, '$1'))
    .join('\n');
}

/** Hand-written files under `folders` naming each field, relative to the repository root. */
function filesNaming(folders: string[]): Record<string, string[]> {
  const sources = folders.flatMap((folder) => files(join(ROOT, folder)))
    .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
    .filter(({ text }) => !isGenerated(text))
    .map(({ path, text }) => ({ path, text: code(text, path.endsWith('.sql')) }));
  return Object.fromEntries(Object.entries(FIELDS).map(([field, pattern]) => [field, sources.filter((s) => pattern.test(s.text)).map((s) => s.path)]));
}

// The client alone (src/), and the whole product (the server halves in
// convex/ and supabase/ are derived from the declaration too).
describe.each([[['src']], [['src', 'convex', 'supabase']]])('each synced task field is named in at most three hand-written files under %j', (folders) => {
  const naming = filesNaming(folders);
  it.each(Object.keys(FIELDS))('%s', (field) => {
    const found = naming[field]!;
    expect(found, `${field} is named in ${found.join(', ')}`).toContain('src/schema/tables.ts');
    expect(found.length, `${field} is named in ${found.join(', ')}`).toBeLessThanOrEqual(MAX_FILES_OF[field] ?? MAX_FILES);
  });
});
