// Redis is killed and restarted under 200 parked long-polls and a burst of messages. The api
// process keeps answering; every poller, reading with offsets, ends up with exactly its own
// updates (lost wakeups are made up by the poll timeout's final read); after the restart,
// wakeups work again. Redis here is a private redis-server: the shared one is never touched.
import { spawnSync } from 'node:child_process';
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
import {
  RedisServer,
  sleep,
  startPlatformProcess,
  type PlatformProcess,
} from '../support/processes';

const BOTS = 200;
const SHORT_POLL_S = 2;
const LONG_POLL_S = 20;

interface Update {
  update_id: number;
  payload: { chat_id: string; content: string };
}

/** One bot's getUpdates loop with offsets, as a bot author would write it. */
class Poller {
  readonly updates: Update[] = [];
  /** When each update arrived (Date.now()). */
  readonly arrivedAt: number[] = [];
  readonly failures: string[] = [];
  timeoutS = SHORT_POLL_S;
  /** Longest time an empty poll ran past its timeout. */
  maxOverrunMs = 0;
  /** Polls started with the current timeoutS (reset when it changes). */
  started = 0;
  private offset = 1;
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly base: string,
    readonly bot: TestBot,
    readonly chatId: string,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  contents(): string[] {
    return this.updates.map((u) => u.payload.content);
  }

  setTimeoutS(s: number): void {
    this.timeoutS = s;
    this.started = 0;
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const t = this.timeoutS;
      this.started++;
      const r = await call(
        this.base,
        'GET',
        `/api/v1/bot/updates?offset=${this.offset}&timeout=${t}`,
        { headers: botAuth(this.bot), timeoutMs: t * 1000 + 10000, signal: this.stop.signal },
      );
      if (this.stop.signal.aborted) return;
      if (r.status !== 200) {
        this.failures.push(`${r.status} ${r.error ?? JSON.stringify(r.body)} after ${r.ms} ms`);
        await sleep(200);
        continue;
      }
      if (r.body.updates.length === 0) {
        this.maxOverrunMs = Math.max(this.maxOverrunMs, r.ms - t * 1000);
      }
      for (const u of r.body.updates as Update[]) {
        this.updates.push(u);
        this.arrivedAt.push(Date.now());
      }
      const last = this.updates.at(-1);
      if (last) this.offset = last.update_id + 1;
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }
}

/** Run `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    [...Array(n)].map(async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function until(what: string, ms: number, cond: () => boolean): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - start;
}

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

(hasRedis ? describe : describe.skip)('Redis restarted under parked long-polls', () => {
  const log: string[] = [];
  // The figures, also when the test fails half-way.
  afterAll(() => console.log(`redis restart:\n  ${log.join('\n  ')}`));
  let redis: RedisServer | undefined;
  let drop: (() => Promise<void>) | undefined;
  let api: PlatformProcess | undefined;
  let pollers: Poller[] = [];

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.close()));
    await api?.stop(3000);
    if (redis && !redis.running) await redis.restart().catch(() => {});
    await drop?.().catch(() => {});
    await redis?.kill();
  }, 30000);

  it('every poller gets all of its own updates; the api stays up; wakeups resume', async () => {
    redis = await RedisServer.start();
    const testEnv = await createTestEnv({
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '10',
      // One account sends to 200 bots a round: load, not a person typing.
      USER_WRITES_PER_MINUTE: '0',
      // One owner registers every poller.
      MAX_BOTS_PER_OWNER: '1000',
    });
    drop = testEnv.drop;
    api = await startPlatformProcess(testEnv.env, 'api');
    const base = api.url;

    const http = supertest(base);
    const user: TestUser = await registerUser(http);
    const setupStart = Date.now();
    const bots = await pool([...Array(BOTS)], 10, (_, i) =>
      registerBot(http, user, { name: `Poller ${i}` }),
    );
    const chats = await pool(bots, 10, (b) => openChat(http, user, b));
    log.push(`${BOTS} bots and chats in ${Date.now() - setupStart} ms`);
    pollers = bots.map((b, i) => new Poller(base, b, chats[i]!));

    const sendAll = async (content: string) => {
      const sentAt = new Map<Poller, number>();
      const ms: number[] = [];
      await pool(pollers, 20, async (p) => {
        const r = await call(base, 'POST', `/api/v1/chats/${p.chatId}/messages`, {
          headers: bearer(user),
          body: { content },
        });
        if (r.status !== 201) throw new Error(`send ${content}: ${r.status} ${r.error ?? ''}`);
        sentAt.set(p, Date.now());
        ms.push(r.ms);
      });
      ms.sort((x, y) => x - y);
      log.push(
        `'${content}' sent to ${BOTS} bots: POST p50 ${ms[ms.length >> 1]} ms, max ${ms.at(-1)} ms`,
      );
      return sentAt;
    };
    const allHave = (n: number) => () => pollers.every((p) => p.updates.length >= n);

    // Liveness monitor across everything that follows.
    const health: CallResult[] = [];
    let monitoring = true;
    const monitor = (async () => {
      while (monitoring) {
        // Generous: the 2-core test machine also runs the 200 pollers and other test files.
        health.push(await call(base, 'GET', '/health', { timeoutMs: 3000 }));
        await sleep(100);
      }
    })();

    // Three kinds of poller: short timeouts (a lost wakeup costs at most 2 s), long polls
    // parked before Redis dies, and long polls that park while it is down (their SUBSCRIBE
    // cannot succeed then).
    const short = pollers.slice(0, BOTS / 2);
    const parkedBefore = pollers.slice(BOTS / 2, (BOTS * 3) / 4);
    const parkedDuring = pollers.slice((BOTS * 3) / 4);
    [...parkedBefore, ...parkedDuring].forEach((p) => p.setTimeoutS(LONG_POLL_S));
    const have = (ps: Poller[], n: number) => () => ps.every((p) => p.updates.length >= n);

    try {
      [...short, ...parkedBefore].forEach((p) => p.start());
      await sleep(500);
      await sendAll('a');
      log.push(
        `'a' reached the running pollers in ${await until("'a'", 15000, have([...short, ...parkedBefore], 1))} ms`,
      );
      await sleep(300); // parked again

      // Redis dies under the parked polls.
      await redis.kill();
      const downAt = Date.now();
      expect((await call(base, 'GET', '/ready')).body).toMatchObject({ redis: 'down' });
      // Pollers that start now read 'a' at once, then park without a subscription.
      parkedDuring.forEach((p) => p.start());
      await until("'a' (started during the outage)", 5000, have(parkedDuring, 1));
      await sleep(300);
      // A message to each bot while Redis is down: no wakeup can be published.
      await sendAll('b');
      // Short polls find it by their timeout's final read, with Redis still down.
      log.push(
        `short pollers had 'b' ${await until("'b' by timeout", SHORT_POLL_S * 1000 + 3000, have(short, 2))} ms after it was sent, Redis down`,
      );
      expect(redis.running).toBe(false);
      await sleep(Math.max(0, downAt + 3000 - Date.now()));

      // Back on the same port, empty.
      await redis.restart();
      const upAt = Date.now();
      log.push(`Redis down for ${upAt - downAt} ms`);
      // Long polls are not left waiting for their timeout: on reconnect every parked poll
      // re-reads, and so finds the update whose wakeup was lost.
      log.push(
        `every poller had 'b' ${await until("'b' after the restart", 5000, allHave(2))} ms after the restart`,
      );
      for (let i = 0; i < 100 && (await call(base, 'GET', '/ready')).status !== 200; i++) {
        await sleep(100);
      }

      // Wakeups work on every channel again, including the ones first subscribed while Redis
      // was away: with 20 s timeouts, only a wakeup answers the polls in time.
      short.forEach((p) => p.setTimeoutS(LONG_POLL_S));
      await until('long polls parked', SHORT_POLL_S * 1000 + 5000, () =>
        pollers.every((p) => p.started > 0),
      );
      await sleep(500);
      const sentAt = await sendAll('c');
      await until("'c' by wakeup", 8000, allHave(3));
      const arrivals: number[] = [];
      for (const p of pollers) {
        // Exactly its own updates, each once, in order.
        expect(p.updates.map((u) => [u.update_id, u.payload.chat_id, u.payload.content])).toEqual([
          [1, p.chatId, 'a'],
          [2, p.chatId, 'b'],
          [3, p.chatId, 'c'],
        ]);
        arrivals.push(p.arrivedAt[2]! - sentAt.get(p)!);
      }
      arrivals.sort((x, y) => x - y);
      log.push(
        `'c' woke all ${BOTS} polls: p50 ${arrivals[arrivals.length >> 1]} ms, max ${arrivals.at(-1)} ms after its send`,
      );
      expect(arrivals.at(-1)!).toBeLessThan(5000);
    } finally {
      monitoring = false;
      await monitor;
    }

    const overruns = pollers.map((p) => p.maxOverrunMs).sort((x, y) => x - y);
    log.push(
      `empty polls ran past their timeout by at most ${overruns.at(-1)} ms (median poller ${overruns[overruns.length >> 1]} ms)`,
    );
    const failures = pollers.flatMap((p) => p.failures);
    log.push(`poll failures: ${failures.length}`);
    expect(failures).toEqual([]);
    const unhealthy = health.filter((r) => r.status !== 200);
    log.push(
      `/health: ${health.length} checks, ${unhealthy.length} failed, slowest ${Math.max(...health.map((r) => r.ms))} ms`,
    );
    expect(unhealthy).toEqual([]);
    expect(api.alive()).toBe(true);
    expect(api.output()).not.toContain('unhandled error');
    // Everything the process said went through its logger (no raw console errors).
    const raw = api
      .output()
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('{'));
    expect(raw).toEqual([]);
  }, 100000);
});
