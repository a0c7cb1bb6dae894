// PostgreSQL goes away for a few seconds under a running platform process (ROLE=all).
// The platform reaches Postgres through a TCP proxy; "stopping Postgres" resets every open
// connection and refuses new ones, which is what a real outage looks like from the app, and
// the machine's shared server is never touched.
import supertest from 'supertest';
import { startBehindPostgresProxy, type ProxiedPlatform } from '../support/postgres-proxy';
import {
  botAuth,
  bearer,
  openChat,
  registerBot,
  userBotChat,
  type TestBot,
  type TestUser,
} from '../support/fixtures';
import { call, type CallResult } from '../support/http-call';
import { sleep, type PlatformProcess } from '../support/processes';
import type { TcpProxy } from '../support/tcp-proxy';

const OUTAGE_MS = 4500;
/** The parked poll's timeout: it ends inside the outage. */
const PARKED_POLL_S = 3;
/** The pool gives up connecting after 3 s; anything slower than this is a hang. */
const MAX_OUTAGE_ANSWER_MS = 5000;

describe('PostgreSQL outage', () => {
  const log: string[] = [];
  // The figures, also when the test fails half-way.
  afterAll(() => console.log(`postgres outage:\n  ${log.join('\n  ')}`));
  let platform: ProxiedPlatform | undefined;
  let proxy: TcpProxy;
  let proc: PlatformProcess;
  let base: string;
  let user: TestUser;
  let bot: TestBot;
  let chatId: string;
  /** A second bot nobody writes to until the end: its polls really park. */
  let quiet: TestBot;
  let quietChatId: string;

  beforeAll(async () => {
    platform = await startBehindPostgresProxy(
      // The background load below would trip the per-bot limit; it is not under test here.
      { LOG_LEVEL: 'warn', RATE_LIMIT_PER_BOT: '0' },
      'all',
    );
    ({ proxy, proc } = platform);
    base = proc.url;
    const http = supertest(base);
    ({ user, bot, chatId } = await userBotChat(http));
    quiet = await registerBot(http, user, { name: 'Quiet Bot' });
    quietChatId = await openChat(http, user, quiet);
  }, 30000);

  afterAll(() => platform?.close(), 20000);

  /** Requests the outage must answer (bot auth, a write, Prisma, readiness), and how. */
  const probes: Record<string, () => Promise<CallResult>> = {
    'bot /me': () => call(base, 'GET', '/api/v1/bot/me', { headers: botAuth(bot) }),
    'unknown key /me': () =>
      call(base, 'GET', '/api/v1/bot/me', {
        headers: { 'x-bot-token': `bot_${'x'.repeat(43)}` },
      }),
    'bot send-message': () =>
      call(base, 'POST', '/api/v1/bot/send-message', {
        headers: botAuth(bot),
        body: { chat_id: chatId, content: 'probe' },
      }),
    'user send': () =>
      call(base, 'POST', `/api/v1/chats/${chatId}/messages`, {
        headers: bearer(user),
        body: { content: 'probe from user' },
      }),
    'messenger login': () =>
      call(base, 'POST', '/api/v1/auth/login', {
        body: { username: user.username, password: user.password },
      }),
    ready: () => call(base, 'GET', '/ready'),
  };
  const OK: Record<string, number> = {
    'bot /me': 200,
    'unknown key /me': 401,
    'bot send-message': 200,
    'user send': 201,
    'messenger login': 200,
    ready: 200,
  };

  // A known key is answered from the in-process key cache (no query), so /me keeps working;
  // an unknown one needs Postgres to be refused, and gets 503 rather than a false 401.
  const DURING_OUTAGE: Record<string, number> = { 'bot /me': 200 };

  const runProbes = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(probes).map(async ([name, fn]) => [name, await fn()])),
    ) as Record<string, CallResult>;

  it('answers 503 JSON within a bounded time, never 500 or a hang, and recovers by itself', async () => {
    // Baseline.
    for (const [name, r] of Object.entries(await runProbes())) {
      expect({ name, status: r.status }).toEqual({ name, status: OK[name] });
    }

    // A poll parked before the outage, timing out inside it.
    const parked = call(base, 'GET', `/api/v1/bot/updates?timeout=${PARKED_POLL_S}&offset=1`, {
      headers: botAuth(quiet),
      timeoutMs: 20000,
    });

    // Background load across the whole outage: reads and writes in flight when connections
    // reset, and new ones while they are refused. Every answer must be 2xx or 503 JSON.
    // Bounded in time, and stopped in `finally` whatever happens.
    const outcomes: CallResult[] = [];
    const health: CallResult[] = [];
    let loading = true;
    const loadUntil = Date.now() + 40000;
    const loadOn = () => loading && Date.now() < loadUntil;
    const load = [...Array(4)].map(async (_, i) => {
      while (loadOn()) {
        const r = i % 2 ? await probes['bot send-message']!() : await probes['user send']!();
        outcomes.push(r);
        await sleep(r.status === 200 || r.status === 201 ? 10 : 50);
      }
    });
    // Liveness is answered throughout.
    const healthLoop = (async () => {
      while (loadOn()) {
        health.push(await call(base, 'GET', '/health', { timeoutMs: 2000 }));
        await sleep(200);
      }
    })();

    try {
      await sleep(300);
      await proxy.down();
      const downAt = Date.now();
      log.push(`proxy down; ${outcomes.length} requests before`);

      // Twice: right after the connections reset, and once the pool has nothing left.
      for (const pass of [1, 2]) {
        const results = await runProbes();
        for (const [name, r] of Object.entries(results)) {
          log.push(`outage pass ${pass}: ${name} → ${r.status} in ${r.ms} ms`);
          expect({ name, status: r.status, error: r.error }).toEqual({
            name,
            status: DURING_OUTAGE[name] ?? 503,
            error: undefined,
          });
          expect(r.contentType).toContain('application/json');
          expect(r.ms).toBeLessThan(MAX_OUTAGE_ANSWER_MS);
          if (name === 'bot /me') {
            expect(r.body).toMatchObject({ bot: { id: bot.id } });
          } else if (name === 'ready') {
            expect(r.body).toEqual({ status: 'unavailable', postgres: 'down', redis: 'ok' });
          } else {
            expect(typeof r.body.error).toBe('string');
          }
        }
        if (pass === 1) await sleep(Math.max(0, downAt + OUTAGE_MS / 2 - Date.now()));
      }

      // It answers by its timeout either way: 200 with nothing when its subscription held
      // (nothing was published, so it does not re-read the log), or 503 if it had to read.
      const p = await parked;
      log.push(`parked poll → ${p.status} ${JSON.stringify(p.body)} after ${p.ms} ms`);
      if (p.status === 200) expect(p.body).toEqual({ updates: [] });
      else
        expect({ status: p.status, error: typeof p.body?.error }).toEqual({
          status: 503,
          error: 'string',
        });
      expect(p.ms).toBeLessThan(PARKED_POLL_S * 1000 + MAX_OUTAGE_ANSWER_MS);

      await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
      expect(proc.alive()).toBe(true);
      await proxy.up();

      // Recovery with no restart: every probe succeeds again, within a few seconds.
      const upAt = Date.now();
      let recovered = false;
      let failing: string[] = [];
      while (!recovered && Date.now() - upAt < 15000) {
        const results = await runProbes();
        failing = Object.entries(results)
          .filter(([name, r]) => r.status !== OK[name])
          .map(([name, r]) => `${name} → ${r.status} ${JSON.stringify(r.body)}`);
        recovered = failing.length === 0;
        if (!recovered) await sleep(100);
      }
      log.push(
        `recovered in ${Date.now() - upAt} ms`,
        ...failing.map((f) => `still failing: ${f}`),
      );
      expect(recovered).toBe(true);
    } finally {
      loading = false;
      await Promise.all([...load, healthLoop]);
      await proxy.up();
    }

    // Nothing but success and 503 JSON under load; no hang (a timeout is status 0).
    const byStatus = new Map<number, number>();
    for (const r of outcomes) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    log.push(`load: ${JSON.stringify(Object.fromEntries(byStatus))}`);
    log.push(`slowest load answer ${Math.max(...outcomes.map((r) => r.ms))} ms`);
    const bad = outcomes.filter(
      (r) => ![200, 201, 503].includes(r.status) || (r.status === 503 && !r.body?.error),
    );
    if (bad.length) {
      console.log(
        proc
          .output()
          .split('\n')
          .filter((l) => l.includes('unhandled error'))
          .join('\n'),
      );
    }
    expect(bad.map((r) => `${r.status} ${r.error ?? JSON.stringify(r.body)}`)).toEqual([]);
    expect(byStatus.get(503) ?? 0).toBeGreaterThan(0);
    expect(Math.max(...outcomes.map((r) => r.ms))).toBeLessThan(MAX_OUTAGE_ANSWER_MS);
    expect(health.length).toBeGreaterThan(10);
    expect(health.filter((r) => r.status !== 200)).toEqual([]);

    // Fully working again: a user's message reaches the bot's poll.
    const poll = call(base, 'GET', '/api/v1/bot/updates?timeout=10&offset=1', {
      headers: botAuth(quiet),
      timeoutMs: 15000,
    });
    await sleep(300);
    const sent = await call(base, 'POST', `/api/v1/chats/${quietChatId}/messages`, {
      headers: bearer(user),
      body: { content: 'after the outage' },
    });
    expect(sent.status).toBe(201);
    const got = await poll;
    expect(got.status).toBe(200);
    expect(
      got.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
    ).toEqual(['after the outage']);

    // No request ever reached the generic 500 path.
    expect(proc.output()).not.toContain('unhandled error');
    expect(proc.alive()).toBe(true);
  }, 60000);
});
