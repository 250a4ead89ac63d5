// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const MODULES = ['access', 'admin', 'auth', 'demo', 'members', 'site'];

export default tseslint.config(
  {
    ignores: [
      'dist/',
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
  // Modules reach each other only through their index.ts (conventions §1).
  ...MODULES.map((module) => ({
    files: [`src/${module}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\.\\./(?!core/|${module}/)[a-z]+/(?!index\\.ts$).+`,
              message: 'Import another module only through its index.ts.',
            },
            { group: ['hono/html'], message: 'Use Hono JSX; raw HTML is not allowed.' },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // node:assert/strict narrows after each assertion, so `rows[0]?.x` after a first check is
      // "unnecessary" to the linter but keeps each assertion readable on its own.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
