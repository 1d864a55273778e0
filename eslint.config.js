// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { importBoundaries } from './eslint/import-boundaries.js';

/** Globals that are not deterministic or not there in the workflow sandbox (workflows/ and the contract it imports). */
const workflowGlobals = {
  languageOptions: { globals: { ...globals.es2023 } },
  rules: {
    'no-restricted-globals': [
      'error',
      ...['process', 'require', 'fetch', 'setInterval', 'setImmediate', 'performance', 'crypto', 'Buffer'].map(
        (name) => ({ name, message: `${name} is not deterministic or not available in workflows/.` }),
      ),
    ],
  },
};

/**
 * Where a folder may import from; test/lint/boundaries.test.ts shows a forbidden import fails.
 * @param {string[]} files
 * @param {import('./eslint/import-boundaries.js').Options} options
 */
const boundary = (files, options) => ({ files, rules: { 'boundaries/imports': ['error', options] } });

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'data/', 'test-results/', 'bench/', 'soak/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'eslint/*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  { plugins: { boundaries: { rules: { imports: importBoundaries } } } },
  boundary(['workflows/**/*.ts'], {
    allow: ['^@temporalio/workflow$', '^workflows/', '^contract/', '^src/exact/rules$'],
    types: ['^@temporalio/common(/|$)'],
    because: 'workflow code is replayed: it imports only @temporalio/workflow, the contract and src/exact/rules.',
  }),
  boundary(['contract/**/*.ts'], {
    allow: ['^@temporalio/workflow$', '^contract/', '^src/exact/rules$'],
    types: ['^src/(exact|browser|notify)/'],
    because: 'workflows import the contract, so it holds types, constants and message definitions only.',
  }),
  boundary(['activities/**/*.ts'], {
    forbid: ['^workflows(/|$)'],
    because: 'activities share types with workflows through contract/, never by importing them.',
  }),
  boundary(['src/{exact,vault,crypto,browser,credentials,notify,observability,consumers}/**/*.ts'], {
    forbid: ['^workflows(/|$)', '^activities(/|$)', '^src/simulator(/|$)'],
    because: 'libraries in src/ know nothing of Temporal code or the simulator; shared types are in contract/.',
  }),
  { files: ['workflows/**/*.ts', 'contract/**/*.ts'], ...workflowGlobals },
);
