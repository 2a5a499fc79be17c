import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layers point one way (docs/architecture.md, "Layers"): commands/tui -> sync -> db ->
 * schema. Each entry forbids a folder's imports of the layers above it (or,
 * for the schema leaf, of anything in the app); the regexes match the import
 * path as written, e.g. '../sync/engine.js'.
 */
const layer = (name, folders) => ({
  regex: `(^|/)(${folders.join('|')})/`,
  message: `${name} may not import from ${folders.join(', ')}: layers point one way (commands/tui -> sync -> db -> schema).`,
});
const LAYER_RULES = [
  { files: ['src/db/**'], patterns: [layer('src/db (storage only)', ['sync', 'commands', 'tui', 'config', 'output'])] },
  { files: ['src/config/**'], patterns: [layer('src/config', ['sync', 'commands', 'tui', 'db'])] },
  { files: ['src/sync/**'], patterns: [layer('src/sync', ['commands', 'tui', 'output'])] },
  { files: ['src/output/**'], patterns: [layer('src/output', ['commands', 'tui'])] },
  { files: ['src/tui/**'], patterns: [layer('src/tui', ['commands'])] },
  // The local stand-in servers serve convex/ and the generated SQL; they never reach into the client.
  { files: ['src/dev/**'], patterns: [layer('src/dev', ['commands', 'tui', 'sync', 'db', 'config', 'output'])] },
  {
    files: ['src/schema/*.ts'],
    patterns: [{ regex: '^\\.\\./', message: 'src/schema is the leaf: it imports nothing from the app.' }],
  },
  {
    files: ['src/schema/*/**'],
    patterns: [{ regex: '^\\.\\./\\.\\./', message: 'src/schema is the leaf: it imports nothing from the app.' }],
  },
].map(({ files, patterns }) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } }));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'convex/_generated/', 'drizzle/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Commands report through the Reporter; only entry points print.
      'no-console': 'error',
    },
  },
  ...LAYER_RULES,
  {
    files: ['bin/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/main.ts', 'src/gen/**', 'scripts/**', 'bench/**', 'test/**', 'dev/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
