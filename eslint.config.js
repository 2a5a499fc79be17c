import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
  {
    files: ['bin/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/main.ts', 'src/gen/**', 'scripts/**', 'bench/**', 'test/**', 'dev/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
