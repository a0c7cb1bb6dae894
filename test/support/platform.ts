// Starts a real platform (real Postgres database, real Redis under its own key prefix)
// for a test file.
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { loadConfig, type Config } from '../../src/config';
import { createPlatform, type Platform } from '../../src/platform';
import { createRedis } from '../../src/infra/redis';
import { createTestDatabase, dropDatabase } from './databases';

export type Env = Record<string, string | undefined>;

export interface TestPlatform {
  platform: Platform;
  /** The environment it was built from: pass to platformFor() for a second process. */
  env: Env;
  config: Config;
  http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/** Env shared by every platform of one test file (same database, same Redis prefix). */
export async function createTestEnv(
  overrides: Env = {},
): Promise<{ env: Env; drop: () => Promise<void> }> {
  const db = await createTestDatabase();
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  const env: Env = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    GATEWAY_PORT: '0',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_TIMEOUT_MS: '2000',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // Test files register users by the dozen from one address; the sign-in limit tests
    // turn this back on.
    REGISTRATIONS_PER_IP_PER_HOUR: '0',
    // ...and several at once (fixtures register in parallel); the hash-slot tests set these.
    PASSWORD_HASH_PER_CLIENT: '64',
    PASSWORD_HASH_QUEUE: '64',
    // The system bot parks a poll and writes rows of its own; its tests turn it on.
    BOTKOTO_ENABLED: 'false',
    ...overrides,
  };
  return {
    env,
    async drop() {
      const redis = createRedis(env.REDIS_URL!);
      try {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      await dropDatabase(db.name);
    },
  };
}

export function platformFor(env: Env, overrides: Env = {}): Platform {
  return createPlatform(loadConfig({ ...env, ...overrides }));
}

export async function startTestPlatform(overrides: Env = {}): Promise<TestPlatform> {
  const testEnv = await createTestEnv(overrides);
  const platform = platformFor(testEnv.env);
  return {
    platform,
    env: testEnv.env,
    config: platform.config,
    http: supertest(platform.api),
    async close() {
      await platform.stop();
      await testEnv.drop();
    },
  };
}

/** beforeAll/afterAll wiring; read `.current` inside tests. */
export function useTestPlatform(overrides: Env = {}): { current: TestPlatform } {
  const ref = {} as { current: TestPlatform };
  beforeAll(async () => {
    ref.current = await startTestPlatform(overrides);
  });
  afterAll(async () => {
    await ref.current?.close();
  });
  return ref;
}

export interface TwoPlatforms {
  a: Platform;
  b: Platform;
  httpA: ReturnType<typeof supertest>;
  httpB: ReturnType<typeof supertest>;
  /** What both were built from (B's overrides aside). */
  env: Env;
}

/**
 * Two api processes on one database and Redis prefix (what each caches per process must hold
 * in the other); both listen for changes before the tests run. Read `.current` inside tests.
 */
export function useTwoPlatforms(overridesB: Env = {}): { current: TwoPlatforms } {
  const ref = {} as { current: TwoPlatforms };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const testEnv = await createTestEnv();
    drop = testEnv.drop;
    const a = platformFor(testEnv.env);
    const b = platformFor(testEnv.env, overridesB);
    ref.current = { a, b, httpA: supertest(a.api), httpB: supertest(b.api), env: testEnv.env };
    await ref.current.httpA.get('/ready').expect(200);
    await ref.current.httpB.get('/ready').expect(200);
  });
  afterAll(async () => {
    await ref.current?.a.stop();
    await ref.current?.b.stop();
    await drop?.();
  });
  return ref;
}
