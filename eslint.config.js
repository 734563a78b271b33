// Lint: ESLint's recommended rules and typescript-eslint's type-aware recommended rules, over every TypeScript
// file of the project (the browser code included); formatting is Prettier's (prettier.config.js), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/out/', 'test-artifacts/', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      // Prettier wraps code at 150; what it cannot wrap (strings, templates, comments) must still fit.
      'max-len': ['error', { code: 160, ignoreUrls: true }],
      // An unused argument named with a leading underscore is a signature kept on purpose (express's error handler).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['clients/browser/**/*.ts', 'reports/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
