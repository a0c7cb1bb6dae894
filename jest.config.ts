import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (tsc --noEmit checks types); CommonJS so the Prisma client's dynamic
  // import() of its Wasm query compiler becomes a require() Jest can serve.
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { module: 'commonjs', moduleResolution: 'node10' } },
    ],
  },
  // Prisma's generated client imports siblings as `./x.js`; map them back to the .ts sources.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  // Gateway results on the Telegram form are checked against Telegram's types in every test.
  setupFilesAfterEnv: ['<rootDir>/test/setup/telegram-results.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};

export default config;
