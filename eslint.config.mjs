import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// lib ES2024 declares these, but Node 20 (our floor, see package.json engines) lacks them.
const notInNode20 = [
  { object: 'Object', property: 'groupBy' },
  { object: 'Map', property: 'groupBy' },
  { object: 'Promise', property: 'withResolvers' },
].map((p) => ({ ...p, message: 'Not in Node 20 (lib ES2024 declares it anyway).' }));

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'src/generated', 'coverage', 'scripts/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      // A `default:` is an explicit choice for the cases not listed (ssrf.ts leaves most of
      // ipaddr.js's IPv6 range names to one); a switch without one must list every member.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      'no-restricted-properties': ['error', ...notInNode20],
      'no-console': 'off',
    },
  },
  {
    // JS files (this config) are outside the TypeScript project: lint them untyped.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The example receivers are plain Node scripts, run as they are.
    files: ['examples/**'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'Buffer', 'console', 'fetch', 'URL'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The mini-app bridge scripts and the example app run in the browser, as they are.
    files: ['webapp/**', 'examples/mini-app/**'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'URL',
          'URLSearchParams',
          'TextEncoder',
          'setTimeout',
          'KotoWebApp',
          'Telegram',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // supertest types `res.body` as `any` by design, and the tests read it everywhere; the
    // no-unsafe-* family would flag every such read. Every other rule applies to tests.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
