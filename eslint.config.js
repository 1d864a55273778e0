// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** Node built-ins, with and without the `node:` prefix: none of them belongs in deterministic workflow code. */
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'data/', 'test-results/', 'bench/', 'soak/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'bin/*.js'] },
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
  {
    // Workflow code is replayed: it may import only the workflow SDK, types, its own folder and the pure rules module.
    files: ['workflows/**/*.ts'],
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'workflows/ must be deterministic: no Node built-ins.',
          })),
          patterns: [
            {
              regex: '^(?!@temporalio/workflow$|\\./|\\.\\./(?!\\.\\.|src/)|(\\.\\./)+src/exact/rules$)',
              allowTypeImports: true,
              message:
                'workflows/ imports only @temporalio/workflow, types, other workflows/ files and src/exact/rules.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'require', 'fetch', 'setInterval', 'setImmediate', 'performance', 'crypto', 'Buffer'].map(
          (name) => ({ name, message: `${name} is not deterministic or not available in workflows/.` }),
        ),
      ],
    },
  },
);
