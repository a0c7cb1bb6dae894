// Login and registration limits, in process (TRUST_PROXY=1: each request names its address
// in X-Forwarded-For). The flood and its latency figures, against real processes, are in
// login-flood.test.ts.
import { randomBytes } from 'node:crypto';
import type supertest from 'supertest';
import { SignInLimits } from '../../src/domain/accounts/sign-in-limits';
import { createRedis } from '../../src/infra/redis';
import { useTestPlatform } from '../support/platform';
import { registerUser, uniqueName, type TestUser } from '../support/fixtures';
import { sleep } from '../support/processes';

type Http = ReturnType<typeof supertest>;

const login = (http: Http, from: string, username: string, password: string) =>
  http.post('/api/v1/auth/login').set('x-forwarded-for', from).send({ username, password });

const register = (http: Http, from: string, password = 'correct-horse-battery-1') =>
  http
    .post('/api/v1/auth/register')
    .set('x-forwarded-for', from)
    .send({ username: uniqueName('r'), password });

function expectRetryAfter(res: { status: number; headers: Record<string, string> }) {
  expect(res.status).toBe(429);
  const s = Number(res.headers['retry-after']);
  expect(Number.isInteger(s) && s >= 1).toBe(true);
  return s;
}

describe('consecutive wrong passwords (per username and address)', () => {
  const t = useTestPlatform({ TRUST_PROXY: '1', PASSWORD_HASH_PER_CLIENT: '1' });
  let victim: TestUser;

  beforeAll(async () => {
    victim = await registerUser(t.current.http);
  });

  it('get a growing back-off that neither another address nor another user shares', async () => {
    const http = t.current.http;
    const A = '198.51.100.7';
    for (let i = 0; i < 5; i++) await login(http, A, victim.username, 'wrong-guess-1').expect(401);

    // The 5th failure started a 1 s wait: the attacker, and even the right password, from A wait.
    const paced = await login(http, A, victim.username, 'wrong-guess-1');
    expect(expectRetryAfter(paced)).toBe(1);
    expect(paced.body).toEqual({ error: 'too many requests, retry after 1' });
    expectRetryAfter(await login(http, A, victim.username, victim.password));

    // The owner elsewhere, and other users at A, are not locked out.
    await login(http, '203.0.113.9', victim.username, victim.password).expect(200);
    const other = await registerUser(http);
    await login(http, A, other.username, other.password).expect(200);

    // After the wait, one more try; the wait after it is twice as long.
    await sleep(1100);
    await login(http, A, victim.username, 'wrong-guess-2').expect(401);
    expect(expectRetryAfter(await login(http, A, victim.username, 'wrong-guess-3'))).toBe(2);

    // The right password after the wait signs in and clears the count.
    await sleep(2100);
    await login(http, A, victim.username, victim.password).expect(200);
    await login(http, A, victim.username, 'wrong-guess-4').expect(401);
  });

  it('lets one address hash one password at a time (PASSWORD_HASH_PER_CLIENT=1)', async () => {
    const http = t.current.http;
    const u = await registerUser(http);
    const C = '198.51.100.60';
    const results = await Promise.all([1, 2, 3].map(() => login(http, C, u.username, u.password)));
    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    for (const r of results.filter((r) => r.status === 429)) expectRetryAfter(r);
    // The refused ones were not counted as failures: the address is not backed off.
    await login(http, C, u.username, u.password).expect(200);
  });

  it('counts a username as one whatever its case', async () => {
    const http = t.current.http;
    const u = await registerUser(http);
    const B = '198.51.100.8';
    for (let i = 0; i < 4; i++) await login(http, B, u.username, 'wrong-guess-1').expect(401);
    // The 5th, spelled differently, is the same username.
    await login(http, B, u.username.toUpperCase(), 'wrong-guess-1').expect(401);
    expectRetryAfter(await login(http, B, u.username, 'wrong-guess-1'));
  });
});

describe('the back-off wait', () => {
  it('runs from when the failure is answered, however long its hash took', async () => {
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      keyPrefix: `test:${randomBytes(4).toString('hex')}:`,
    });
    try {
      await redis.ping(); // the limiters refuse to count on a connection not yet ready
      const limits = new SignInLimits(redis, {
        attemptsPerIpPerMinute: 0,
        failuresPerIpPerDay: 0,
        failuresBeforeBackoff: 2,
        registrationsPerIpPerHour: 0,
      });
      await (await limits.beginLogin('198.51.100.70', 'slow')).end('failed');
      const second = await limits.beginLogin('198.51.100.70', 'slow'); // starts a 1 s wait
      await sleep(1200); // a hash on a busy machine
      await second.end('failed');
      await expect(limits.beginLogin('198.51.100.70', 'slow')).rejects.toMatchObject({
        reason: 'rate_limited',
        retryAfter: 1,
      });
    } finally {
      redis.disconnect();
    }
  });
});

describe('wrong passwords per address per day', () => {
  const t = useTestPlatform({ TRUST_PROXY: '1', LOGIN_FAILURES_PER_IP_PER_DAY: '3' });

  it('block the address after the limit, whatever the username; a success does not count', async () => {
    const http = t.current.http;
    const u = await registerUser(http);
    const A = '198.51.100.20';
    await login(http, A, uniqueName('ghost'), 'wrong-guess-1').expect(401);
    await login(http, A, u.username, u.password).expect(200);
    await login(http, A, uniqueName('ghost'), 'wrong-guess-1').expect(401);
    await login(http, A, uniqueName('ghost'), 'wrong-guess-1').expect(401);

    const blocked = await login(http, A, uniqueName('ghost'), 'wrong-guess-1');
    // Until the day's window ends.
    expect(expectRetryAfter(blocked)).toBeGreaterThan(86_000);
    expectRetryAfter(await login(http, A, u.username, u.password));
    await login(http, '198.51.100.21', u.username, u.password).expect(200);
  });

  it('counts an IPv6 client by its /64', async () => {
    const http = t.current.http;
    for (const host of ['1', '2', '3']) {
      await login(http, `2001:db8:1:2::${host}`, uniqueName('ghost'), 'wrong-1').expect(401);
    }
    expectRetryAfter(await login(http, '2001:db8:1:2:ffff::9', uniqueName('ghost'), 'wrong-1'));
    await login(http, '2001:db8:1:3::1', uniqueName('ghost'), 'wrong-1').expect(401);
  });
});

describe('registrations per address per hour', () => {
  const t = useTestPlatform({ TRUST_PROXY: '1', REGISTRATIONS_PER_IP_PER_HOUR: '2' });

  it('refuse the third from one address with Retry-After; another address still registers', async () => {
    const http = t.current.http;
    // Until Redis has connected a process counts on its own (see infra/shared-limiter.ts).
    await http.get('/ready').expect(200);
    const A = '198.51.100.30';
    await register(http, A).expect(201);
    await register(http, A).expect(201);
    const third = await register(http, A);
    expect(expectRetryAfter(third)).toBeGreaterThan(3500);
    await register(http, '198.51.100.31').expect(201);
  });
});

describe('password hashes in flight', () => {
  const t = useTestPlatform({
    TRUST_PROXY: '1',
    PASSWORD_HASH_CONCURRENCY: '1',
    PASSWORD_HASH_QUEUE: '2',
    PASSWORD_HASH_PER_CLIENT: '100',
  });

  it('answer registrations beyond the cap and its queue with 429 at once, not a hang', async () => {
    const http = t.current.http;
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => register(http, `198.51.100.${40 + i}`)),
    );
    const elapsed = Date.now() - t0;
    const statuses = results.map((r) => r.status).sort();
    // One running, two waiting; the others refused without waiting for a slot.
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    for (const r of results.filter((r) => r.status === 429)) expectRetryAfter(r);
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('password policy', () => {
  const t = useTestPlatform();

  it.each([
    'password1',
    'qwerty123',
    'P@ssw0rd!',
    'iloveyou1',
    'letmein123',
    'Summer2024!',
    'abc12345',
    'aaaaaaa1',
  ])('refuses the commonly breached or patterned %s with 400', async (password) => {
    const res = await t.current.http
      .post('/api/v1/auth/register')
      .send({ username: uniqueName('weak'), password })
      .expect(400);
    expect(res.body.error).toMatch(/^password: is too easy to guess/);
  });

  it('refuses a password built from the username', async () => {
    const username = uniqueName('marigold');
    const res = await t.current.http
      .post('/api/v1/auth/register')
      .send({ username, password: `${username}1!` })
      .expect(400);
    expect(res.body.error).toMatch(/^password: is too easy to guess/);
  });

  it('accepts a long passphrase and a random string', async () => {
    for (const password of ['violet staircase humming 42', 'k7#Qm!2vXz9p']) {
      await t.current.http
        .post('/api/v1/auth/register')
        .send({ username: uniqueName('strong'), password })
        .expect(201);
    }
  });
});
