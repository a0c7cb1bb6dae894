// Messenger JWTs: expiry required, logout of one token, "sign out everywhere", each across
// two api processes (in process here, sharing one Postgres and one Redis).
import { spawnSync } from 'node:child_process';
import jwt from 'jsonwebtoken';
import supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { createTestEnv, platformFor, useTwoPlatforms, type Env } from '../support/platform';
import { bearer, registerUser, type TestUser } from '../support/fixtures';
import { RedisServer, sleep } from '../support/processes';

type Http = ReturnType<typeof supertest>;

/** How often process B re-checks a cached token with Redis (CACHE_AUDIT_MS). */
const RECHECK_MS = 500;

const me = (http: Http, token: string) => http.get('/api/v1/auth/me').set(bearer({ token }));

async function login(http: Http, u: TestUser): Promise<string> {
  const res = await http
    .post('/api/v1/auth/login')
    .send({ username: u.username, password: u.password })
    .expect(200);
  return res.body.token as string;
}

/** Polls `/me` until it answers `status` (bounded); returns how long that took. */
async function answersWithin(http: Http, token: string, status: number, ms: number) {
  const t0 = Date.now();
  for (;;) {
    if ((await me(http, token)).status === status) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`/me did not answer ${status} within ${ms} ms`);
    await sleep(20);
  }
}

describe('user tokens across two api processes', () => {
  const two = useTwoPlatforms({ CACHE_AUDIT_MS: String(RECHECK_MS) });
  let env: Env;
  let httpA: Http;
  let httpB: Http;
  beforeAll(() => ({ env, httpA, httpB } = two.current));

  it('refuses a token without an expiry, even one signed with the real secret', async () => {
    const u = await registerUser(httpA);
    await me(httpA, u.token).expect(200);
    const forever = jwt.sign({ ver: 0 }, env.JWT_SECRET!, { subject: u.id, algorithm: 'HS256' });
    expect((jwt.decode(forever) as jwt.JwtPayload).exp).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const res = await me(httpA, forever).expect(401);
      expect(res.body).toEqual({ error: 'invalid or expired token' });
    }
  });

  it('carries the account version as `ver` and refuses any other', async () => {
    const u = await registerUser(httpA);
    const claims = jwt.decode(u.token) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: u.id, ver: 0 });
    expect(typeof claims.jti).toBe('string');
    const sign = (payload: object) =>
      jwt.sign(payload, env.JWT_SECRET!, { subject: u.id, expiresIn: 600 });
    await me(httpA, sign({ ver: 1 })).expect(401);
    await me(httpA, sign({ ver: -1 })).expect(401);
    await me(httpA, sign({ ver: '0' })).expect(401);
    // Tokens issued before versions existed carry none: version 0.
    await me(httpA, sign({})).expect(200);
  });

  it('logout ends that token at once in both processes, and no other', async () => {
    const u = await registerUser(httpA);
    const other = await login(httpA, u);
    await me(httpB, u.token).expect(200); // now cached in B
    await me(httpB, other).expect(200);

    await httpA.post('/api/v1/auth/logout').set(bearer(u)).expect(204);
    await me(httpA, u.token).expect(401);
    const ms = await answersWithin(httpB, u.token, 401, 1000);
    expect(ms).toBeLessThan(RECHECK_MS); // the announcement, not the re-check
    await me(httpA, other).expect(200);
    await me(httpB, other).expect(200);

    // A logged-out token cannot log out again, nor sign out everywhere.
    await httpB.post('/api/v1/auth/logout').set(bearer(u)).expect(401);
    await httpB.post('/api/v1/auth/logout-all').set(bearer(u)).expect(401);
    await httpB.post('/api/v1/auth/logout').expect(401);
  });

  it('a process that never saw the token asks Redis', async () => {
    const u = await registerUser(httpA);
    await httpA.post('/api/v1/auth/logout').set(bearer(u)).expect(204);
    await me(httpB, u.token).expect(401);
  });

  it('a lost announcement matters for at most CACHE_AUDIT_MS', async () => {
    const u = await registerUser(httpA);
    await me(httpB, u.token).expect(200);
    // As if the process logging it out died between recording it and announcing it.
    const { jti } = jwt.decode(u.token) as jwt.JwtPayload;
    await two.current.a.redis.set(`revoked-token:${jti}`, '1', 'EX', 600);
    const ms = await answersWithin(httpB, u.token, 401, RECHECK_MS + 1500);
    expect(ms).toBeLessThanOrEqual(RECHECK_MS + 1000);
  });

  it('sign out everywhere ends every token of the account at once; a new login works', async () => {
    const u = await registerUser(httpA);
    const second = await login(httpB, u);
    const bystander = await registerUser(httpA);
    await me(httpA, u.token).expect(200);
    await me(httpB, second).expect(200);

    await httpB
      .post('/api/v1/auth/logout-all')
      .set(bearer({ token: second }))
      .expect(204);
    for (const http of [httpA, httpB]) {
      await me(http, u.token).expect(401);
      await me(http, second).expect(401);
      await me(http, bystander.token).expect(200);
    }
    const fresh = await login(httpA, u);
    expect(jwt.decode(fresh)).toMatchObject({ ver: 1 });
    await me(httpB, fresh).expect(200);
  });

  // Each process keeps the accounts it authenticated (people-cache.ts); a change made through
  // one must show in the other's very next answer.
  it('a key published through one process shows in the next answer of the other', async () => {
    const u = await registerUser(httpA);
    expect((await me(httpB, u.token).expect(200)).body.user.public_key).toBeNull();
    const key = Buffer.alloc(32, 7).toString('base64');
    await httpA.put('/api/v1/auth/keys').set(bearer(u)).send({ public_key: key }).expect(200);
    expect((await me(httpB, u.token).expect(200)).body.user.public_key).toBe(key);
    expect((await me(httpA, u.token).expect(200)).body.user.public_key).toBe(key);
  });

  it('sign out everywhere also ends the tokens a process had just answered from its cache', async () => {
    const u = await registerUser(httpA);
    const chat = async (http: Http) => (await http.get('/api/v1/chats').set(bearer(u))).status;
    expect(await chat(httpA)).toBe(200);
    expect(await chat(httpB)).toBe(200);
    await httpA.post('/api/v1/auth/logout-all').set(bearer(u)).expect(204);
    expect(await chat(httpB)).toBe(401);
    expect(await chat(httpA)).toBe(401);
  });
});

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

(hasRedis ? describe : describe.skip)('user tokens while Redis is away', () => {
  let redis: RedisServer;
  let platform: Platform;
  let drop: () => Promise<void>;
  let http: Http;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const testEnv = await createTestEnv({ REDIS_URL: redis.url });
    drop = testEnv.drop;
    platform = platformFor(testEnv.env);
    http = supertest(platform.api);
    await http.get('/ready').expect(200);
  });

  afterAll(async () => {
    await platform.stop();
    if (!redis.running) await redis.restart();
    await drop();
    await redis.kill();
  });

  it('valid tokens still work, logout answers 503 at once, and works again after', async () => {
    const u = await registerUser(http);
    const fresh = await login(http, u); // never seen: no cached check to lean on
    await redis.kill();
    await sleep(100);

    const t0 = Date.now();
    await me(http, u.token).expect(200);
    await me(http, fresh).expect(200);
    const res = await http.post('/api/v1/auth/logout').set(bearer(u)).expect(503);
    expect(res.body).toEqual({ error: 'service temporarily unavailable' });
    expect(Date.now() - t0).toBeLessThan(2000);

    await redis.restart();
    for (let i = 0; i < 100 && (await http.get('/ready')).status !== 200; i++) await sleep(100);
    await http.post('/api/v1/auth/logout').set(bearer(u)).expect(204);
    await me(http, u.token).expect(401);
    await me(http, fresh).expect(200);
  }, 30000);
});
