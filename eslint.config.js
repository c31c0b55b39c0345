import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.output*/', '.wxt/', 'node_modules/', 'generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // lib/ is the engine: it never reaches up into entrypoints, components or wxt, and only
    // lib/extension talks to browser APIs (DESIGN.md, "Layout").
    files: ['lib/**/*.ts'],
    ignores: ['lib/extension/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/entrypoints/**', '**/components/**', 'wxt', 'wxt/*', 'webextension-polyfill', '**/extension/*'] }],
    },
  },
  {
    files: ['components/**/*.tsx', 'components/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/entrypoints/**', 'wxt', 'wxt/*'] }] },
  },
);
