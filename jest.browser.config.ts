import type { Config } from 'jest';
import base from './jest.config';

// The real-browser tests (scripts/test-browser.sh): Chromium, driven by playwright-core.
const config: Config = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.ts'],
  maxWorkers: 1,
  testTimeout: 45000,
};

export default config;
