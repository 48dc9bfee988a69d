/**
 * ESLint (run by the test command's `lint` stage with prettier): typescript-eslint's
 * recommended rules, React hooks rules for the renderer, and the layer map of
 * scripts/layer-check/layer-rules.ts mirrored as no-restricted-imports so editors show a
 * crossing import as it is typed. The layer check stays the authority (it also sees dynamic
 * imports and feature internals); this file only repeats its rules for editors.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'crypto', 'http'];

/** One layer's forbidden import patterns (folders it may not reach, packages it may not use). */
function layerRule(patterns) {
  return { rules: { 'no-restricted-imports': ['error', { patterns }] } };
}
const outside = (...dirs) =>
  dirs.map((d) => ({
    group: [`**/${d}/*`, `**/${d}`],
    message: `This layer may not import from ${d}/ (see ../shared/DESIGN.md's layer table).`,
  }));
const packages = (...names) =>
  names.map((n) => ({ group: [n, `${n}/*`], message: `This layer may not use ${n}.` }));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.cache/',
      '.testbed/',
      'e2e/artifacts/',
      'bench/results/',
      '**/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // The codebase uses `_`-prefixed names for deliberately unused parameters.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Non-null assertions are allowed where an index was just checked.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    ...layerRule([
      ...outside('core', 'electron', 'renderer', 'remote'),
      ...packages(...nodeBuiltins),
    ]),
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    ...layerRule([
      ...outside('electron', 'renderer', 'remote'),
      ...packages('electron', 'react', 'react-dom', '@tanstack/react-query', 'zustand', 'recharts'),
    ]),
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['**/*.test.ts'],
    ...layerRule([...outside('renderer', 'remote'), ...packages('react', 'react-dom')]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    ...layerRule([
      ...outside('core', 'electron', 'remote'),
      ...packages('electron', 'ws', 'ssh2', 'node-pty', 'tsx', ...nodeBuiltins),
    ]),
  },
);
