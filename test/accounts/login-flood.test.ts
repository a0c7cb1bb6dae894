// The attack of issue 12, bounded and on loopback: wrong passwords at 30/s against two api
// processes sharing Redis, while the real owner of another account signs in from elsewhere.
// Addresses come from X-Forwarded-For (TRUST_PROXY=1). Figures go to docs/performance.md.
import { createTestEnv } from '../support/platform';
import { sleep, startPlatformProcess, type PlatformProcess } from '../support/processes';
import { uniqueName } from '../support/fixtures';

const RATE_PER_S = 30;
const FLOOD_S = 6;
/**
 * What the flood may add to the owner's sign-in (14 s before the limits): compared with the
 * same sign-in measured just before the flood, on the same machine, so that the load of
 * whatever else runs there (another test file alongside, on 2 cores) is not counted as the
 * flood's. On a quiet machine that is the bound of 1 s outright: docs/performance.md.
 */
const MAX_ADDED_MS = 1000;

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  retryAfter: string | null;
  ms: number;
}

/** A bounded POST that never throws (status 0 on a network error or timeout). */
async function post(url: string, from: string, body: unknown): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20000),
    });
    return {
      status: res.status,
      body: await res.json().catch(() => undefined),
      retryAfter: res.headers.get('retry-after'),
      ms: Math.round(performance.now() - t0),
    };
  } catch {
    return { status: 0, body: undefined, retryAfter: null, ms: Math.round(performance.now() - t0) };
  }
}

interface Account {
  username: string;
  password: string;
}

describe('a 30/s flood of wrong passwords', () => {
  let drop: (() => Promise<void>) | undefined;
  const procs: PlatformProcess[] = [];
  let owner: Account;
  let victim: Account;

  const login = (
    proc: PlatformProcess,
    from: string,
    who: Account,
    password = who.password,
  ): Promise<Answer> =>
    post(`${proc.url}/api/v1/auth/login`, from, { username: who.username, password });

  beforeAll(async () => {
    const env = await createTestEnv({
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      // Production's hash slots (one per client address, a short queue): the suite's own
      // registering fixtures raise both, which would let the spray queue its hashes in front
      // of the owner's sign-in, the very thing the slots prevent.
      PASSWORD_HASH_PER_CLIENT: undefined,
      PASSWORD_HASH_QUEUE: undefined,
    });
    drop = env.drop;
    procs.push(await startPlatformProcess(env.env, 'api'));
    procs.push(await startPlatformProcess(env.env, 'api'));
    const make = async (): Promise<Account> => {
      const a = { username: uniqueName('fl'), password: 'violet-staircase-42' };
      const res = await post(`${procs[0]!.url}/api/v1/auth/register`, '192.0.2.200', a);
      expect(res.status).toBe(201);
      return a;
    };
    owner = await make();
    victim = await make();
    // Warm both processes' 401 and 429 paths (first calls compile code and load Lua scripts),
    // so the figures measure the flood rather than a cold start.
    for (const proc of procs) {
      for (let i = 0; i < 7; i++) await login(proc, '192.0.2.250', victim, 'warm-up-guess');
      await login(proc, '192.0.2.251', owner);
    }
  }, 60000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await drop?.();
  });

  /**
   * Fire `attempt(i)` RATE_PER_S times a second for FLOOD_S seconds, alternating between the
   * two processes, while the owner signs in from elsewhere every 200 ms (each time from a
   * new address of `ownerNet`, so their own per-address cap never bites).
   */
  async function flood(
    attempt: (proc: PlatformProcess, i: number) => Promise<Answer>,
    ownerNet: string,
  ) {
    const idle: number[] = [];
    for (let i = 0; i < 6; i++) {
      idle.push((await login(procs[0]!, `${ownerNet}.${i}`, owner)).ms);
      await sleep(100);
    }
    const total = RATE_PER_S * FLOOD_S;
    const started = Date.now();
    const shots: Promise<Answer>[] = [];
    const firing = (async () => {
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / RATE_PER_S;
        if (due > Date.now()) await sleep(due - Date.now());
        shots.push(attempt(procs[i % 2]!, i));
      }
    })();
    const valid: Answer[] = [];
    while (Date.now() - started < FLOOD_S * 1000) {
      valid.push(await login(procs[0]!, `${ownerNet}.${100 + valid.length}`, owner));
      await sleep(200);
    }
    await firing;
    const answers = await Promise.all(shots);
    const count = (s: number) => answers.filter((a) => a.status === s).length;
    const ms = valid.map((v) => v.ms);
    const figures = {
      sent: total,
      401: count(401),
      429: count(429),
      other: answers.filter((a) => a.status !== 401 && a.status !== 429).map((a) => a.status),
      idleLoginMs: { median: percentile(idle, 0.5), p90: percentile(idle, 0.9), all: idle },
      validLogins: valid.length,
      validLoginMs: {
        median: percentile(ms, 0.5),
        p90: percentile(ms, 0.9),
        max: Math.max(...ms),
        all: ms,
      },
    };
    return { answers, valid, figures };
  }

  function expectBounded(r: Awaited<ReturnType<typeof flood>>) {
    expect(r.figures.other).toEqual([]);
    const waits = r.answers.filter((a) => a.status === 429).map((a) => Number(a.retryAfter));
    expect(waits.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
    expect(r.valid.map((v) => v.status)).toEqual(r.valid.map(() => 200));
    const { idleLoginMs, validLoginMs } = r.figures;
    expect(validLoginMs.median).toBeLessThanOrEqual(idleLoginMs.median + MAX_ADDED_MS);
    expect(validLoginMs.p90).toBeLessThanOrEqual(idleLoginMs.p90 + MAX_ADDED_MS);
  }

  it('against one account from one address: 429s with Retry-After, the owner elsewhere signs in fast', async () => {
    const r = await flood(
      (proc, i) => login(proc, '198.51.100.66', victim, `wrong-guess-${i}`),
      '192.0.2',
    );
    console.log('one account, one address:', r.figures);
    expectBounded(r);
    // Five free tries, then one per doubling wait (1 s, 2 s): counted across both processes.
    expect(r.figures[401]).toBeLessThanOrEqual(9);
    const refused = r.answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(r.figures.sent - 9);
    expect(refused.every((a) => a.body?.error?.startsWith('too many requests'))).toBe(true);

    // The victim, from their own address, is not locked out by it.
    const own = await login(procs[1]!, '192.0.2.3', victim);
    expect(own.status).toBe(200);
    expect(own.ms).toBeLessThan(r.figures.idleLoginMs.p90 + MAX_ADDED_MS);
  }, 30000);

  it('spraying a new username each try from one address: hashing stays bounded', async () => {
    const r = await flood(
      (proc, i) => login(proc, '198.51.100.67', { username: `spray${i}`, password: 'password123' }),
      '203.0.113',
    );
    console.log('a new username each try, one address:', r.figures);
    expectBounded(r);
    // At most LOGIN_ATTEMPTS_PER_IP_PER_MINUTE (30) get past the per-address cap, and of
    // those one per process at a time is hashed: most of the spray never reaches scrypt.
    expect(r.figures[401]).toBeLessThanOrEqual(30);
    expect(r.figures[429]).toBeGreaterThanOrEqual(r.figures.sent - 30);
  }, 30000);
});
