// One lint configuration for the whole monorepo. Formatting belongs to Prettier;
// these rules catch what a formatter cannot.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { configs as litConfigs } from 'eslint-plugin-lit';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      'examples/practice-site/public/assets/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // Session keys, ids and nonces must come from a CSPRNG; Math.random is banned
      // everywhere but tests (see CONTRIBUTING.md).
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use crypto.getRandomValues / crypto.randomBytes (Math.random is not a CSPRNG).',
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/widget/**/*.ts'],
    ...litConfigs['flat/recommended'],
  },
  {
    // Tests, benchmarks and scripts may print and may use non-crypto randomness.
    files: [
      '**/*.test.ts',
      '**/test/**',
      'bench/**',
      'scripts/**',
      'examples/**/server.mjs',
      '**/cli.ts',
    ],
    rules: {
      'no-restricted-properties': 'off',
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
