// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './eslint-rules/module-boundaries.js';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'build/',
      'coverage/',
      'node_modules/',
      'examples/*/data/',
      '**/__fixtures__/**',
      'test/fuzz/corpus/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Hono JSX: raw HTML only through the one helper (core/http/html.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector: 'JSXAttribute[name.name="dangerouslySetInnerHTML"]',
          message: 'Never bypass escaping.',
        },
      ],
    },
  },
  // Modules reach each other only through their index.ts, and core imports no module
  // (conventions §1); the module list is src/'s folder list (eslint-rules/module-boundaries.js).
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { treff: boundaries },
    rules: {
      'treff/module-boundaries': ['error', { srcDir: `${import.meta.dirname}/src` }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['hono/html'], message: 'Use Hono JSX; raw HTML is not allowed.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // node:assert/strict narrows after each assertion, so `rows[0]?.x` after a first check is
      // "unnecessary" to the linter but keeps each assertion readable on its own.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  { files: ['eslint.config.js', 'eslint-rules/**'], ...tseslint.configs.disableTypeChecked },
);
