// The platform as separate processes sharing Postgres and Redis: two api processes and one
// worker. Polls parked on api #1 are woken by messages sent through api #2 (the Redis
// wakeup bus crosses processes), and a webhook bot's updates written through api #2 are
// delivered by the worker process.
import supertest from 'supertest';
import { createTestEnv } from '../support/platform';
import {
  bearer,
  botAuth,
  openChat,
  registerBot,
  registerUser,
  type TestBot,
  type TestUser,
} from '../support/fixtures';
import { call, type CallResult } from '../support/http-call';
import { sleep, startPlatformProcess, type PlatformProcess } from '../support/processes';
import { Receiver } from '../support/receiver';
import { verifyWebhook } from '../../src/domain/webhooks/verify';

const POLLERS = 20;
const POLL_TIMEOUT_S = 20;
/**
 * "Well before the poll timeout": a wakeup, not the timeout's final read (measured from the
 * start of the POST, on a loaded 2-core machine; typically ~100-500 ms).
 */
const MAX_WAKE_MS = 5000;

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

describe('two api processes and one worker', () => {
  let drop: (() => Promise<void>) | undefined;
  let receiver: Receiver | undefined;
  const procs: PlatformProcess[] = [];
  let api1: PlatformProcess;
  let api2: PlatformProcess;
  let worker: PlatformProcess;
  let user: TestUser;
  const log: string[] = [];
  // The figures, also when a test fails half-way.
  afterAll(() => console.log(`two api processes + one worker:\n  ${log.join('\n  ')}`));

  beforeAll(async () => {
    const testEnv = await createTestEnv({
      LOG_LEVEL: 'warn',
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2,0.2',
      // One owner registers every bot of the file.
      MAX_BOTS_PER_OWNER: '1000',
    });
    drop = testEnv.drop;
    const started = Date.now();
    [api1, api2, worker] = await Promise.all([
      startPlatformProcess(testEnv.env, 'api'),
      startPlatformProcess(testEnv.env, 'api'),
      startPlatformProcess(testEnv.env, 'worker'),
    ]);
    procs.push(api1, api2, worker);
    log.push(`3 processes up in ${Date.now() - started} ms`);
    receiver = await Receiver.start();
    user = await registerUser(supertest(api2.url));
  }, 30000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop(3000)));
    await receiver?.close();
    await drop?.();
  }, 20000);

  afterEach(() => {
    for (const p of procs)
      expect({ role: p.role, alive: p.alive() }).toEqual({ role: p.role, alive: true });
  });

  it('polls parked on api #1 are woken by messages sent through api #2', async () => {
    const http2 = supertest(api2.url);
    const bots: TestBot[] = await Promise.all(
      [...Array(POLLERS)].map((_, i) => registerBot(http2, user, { name: `Poller ${i}` })),
    );
    const chats = await Promise.all(bots.map((b) => openChat(http2, user, b)));

    const polls = bots.map((b) =>
      call(api1.url, 'GET', `/api/v1/bot/updates?offset=1&timeout=${POLL_TIMEOUT_S}`, {
        headers: botAuth(b),
        timeoutMs: (POLL_TIMEOUT_S + 5) * 1000,
      }).then((r) => ({ r, at: Date.now() })),
    );
    await sleep(500); // parked

    const sentAt: number[] = [];
    await Promise.all(
      chats.map(async (chatId, i) => {
        sentAt[i] = Date.now();
        const r = await call(api2.url, 'POST', `/api/v1/chats/${chatId}/messages`, {
          headers: bearer(user),
          body: { content: `to poller ${i}` },
        });
        expect(r.status).toBe(201);
      }),
    );
    const answered = await Promise.all(polls);
    const wake = answered.map(({ r, at }, i) => {
      expect(r.status).toBe(200);
      expect(
        r.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
      ).toEqual([`to poller ${i}`]);
      return at - sentAt[i]!;
    });
    log.push(
      `${POLLERS} polls on api #1 woken by POSTs to api #2: p50 ${percentile(wake, 0.5)} ms, max ${Math.max(...wake)} ms (poll timeout ${POLL_TIMEOUT_S} s)`,
    );
    expect(Math.max(...wake)).toBeLessThan(MAX_WAKE_MS);
  }, 40000);

  it("a user's event feed parked on api #1 is woken by a bot's send-message through api #2", async () => {
    const http2 = supertest(api2.url);
    const reader = await registerUser(http2);
    const bot = await registerBot(http2, reader, { name: 'Talker' });
    const chatId = await openChat(http2, reader, bot);
    // Catch up with the feed, then park at its end.
    let cursor = '0';
    for (let i = 0; i < 20; i++) {
      const r = await call(api1.url, 'GET', `/api/v1/events?after=${cursor}&timeout=0`, {
        headers: bearer(reader),
      });
      expect(r.status).toBe(200);
      if (r.body.events.length === 0) break;
      cursor = r.body.cursor;
    }
    const parked = call(
      api1.url,
      'GET',
      `/api/v1/events?after=${cursor}&timeout=${POLL_TIMEOUT_S}`,
      {
        headers: bearer(reader),
        timeoutMs: (POLL_TIMEOUT_S + 5) * 1000,
      },
    );
    await sleep(500);
    const t0 = Date.now();
    const sent = await call(api2.url, 'POST', '/api/v1/bot/send-message', {
      headers: botAuth(bot),
      body: { chat_id: chatId, content: 'hello from the bot' },
    });
    expect(sent.status).toBe(200);
    const r: CallResult = await parked;
    const ms = Date.now() - t0;
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: { type: string }) => e.type)).toContain('message.new');
    log.push(`event feed on api #1 woken by send-message on api #2 in ${ms} ms`);
    expect(ms).toBeLessThan(MAX_WAKE_MS);
  }, 30000);

  it('a newer poll on api #2 ends an older one parked on api #1 with 409', async () => {
    const http2 = supertest(api2.url);
    const bot = await registerBot(http2, user, { name: 'Contended' });
    const older = call(api1.url, 'GET', '/api/v1/bot/updates?offset=1&timeout=20', {
      headers: botAuth(bot),
      timeoutMs: 25000,
    });
    await sleep(500);
    const t0 = Date.now();
    const newer = call(api2.url, 'GET', '/api/v1/bot/updates?offset=1&timeout=1', {
      headers: botAuth(bot),
    });
    const o = await older;
    const ms = Date.now() - t0;
    expect(o.status).toBe(409);
    expect(typeof o.body.error).toBe('string');
    expect((await newer).status).toBe(200);
    log.push(`older poll on api #1 ended with 409 ${ms} ms after the newer one on api #2`);
    expect(ms).toBeLessThan(MAX_WAKE_MS);
  }, 30000);

  it("a webhook bot's messages posted through api #2 are delivered by the worker process", async () => {
    const http2 = supertest(api2.url);
    const bot = await registerBot(http2, user, { name: 'Hooked' });
    const chatId = await openChat(http2, user, bot);
    const set = await call(api1.url, 'PUT', '/api/v1/bot/webhook', {
      headers: botAuth(bot),
      body: { url: receiver!.url },
    });
    expect(set.status).toBe(200);
    const secret: string = set.body.secret;

    const N = 20;
    const sentAt: number[] = [];
    for (let i = 0; i < N; i++) {
      sentAt.push(Date.now());
      const r = await call(api2.url, 'POST', `/api/v1/chats/${chatId}/messages`, {
        headers: bearer(user),
        body: { content: `hook ${i}` },
      });
      expect(r.status).toBe(201);
    }
    const received = await receiver!.waitFor(N, 20000);
    const updates = received.map((r) => {
      verifyWebhook({ headers: r.headers, body: r.body, secret });
      return JSON.parse(r.body) as { update_id: number; payload: { content: string } };
    });
    expect(updates.map((u) => [u.update_id, u.payload.content])).toEqual(
      [...Array(N)].map((_, i) => [i + 1, `hook ${i}`]),
    );
    const latency = received.map((r, i) => r.at - sentAt[i]!);
    log.push(
      `${N} webhook deliveries via the worker: p50 ${percentile(latency, 0.5)} ms, max ${Math.max(...latency)} ms from POST to receipt`,
    );
    let pending = -1;
    for (let i = 0; i < 50 && pending !== 0; i++) {
      if (i) await sleep(100);
      pending = (await call(api1.url, 'GET', '/api/v1/bot/webhook', { headers: botAuth(bot) })).body
        .pending_update_count;
    }
    expect(pending).toBe(0);
  }, 40000);
});
