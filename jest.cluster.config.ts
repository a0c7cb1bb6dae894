import type { Config } from 'jest';
import base from './jest.config';

/** The Redis Cluster tests (scripts/test-cluster.sh): real processes on a local cluster. */
const config: Config = {
  ...base,
  testMatch: ['**/*.cluster-test.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};

export default config;
