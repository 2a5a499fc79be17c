import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'convex/_generated/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: [] }],
    },
  },
  {
    // Only the entry point, scripts, benches and test servers may talk to the console.
    files: ['src/main.ts', 'scripts/**', 'bench/**', 'test/**', 'dev/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
