// The platform on a real Redis Cluster (3 masters + 3 replicas): two api processes and two
// workers share it through REDIS_CLUSTER_NODES. Wakeups cross processes over sharded pub/sub,
// webhooks go through hash-tagged BullMQ queues, the per-bot rate limit is one shared counter;
// then a master is SIGKILLed in the middle of a burst of messages: its replica takes over, no
// update is lost and parked polls resume. Run by `npm run test:cluster` (scripts/test-cluster.sh).
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
import { call } from '../support/http-call';
import { sleep, startPlatformProcess, type PlatformProcess } from '../support/processes';
import { Receiver } from '../support/receiver';
import { RedisCluster } from '../support/redis-cluster';
import { verifyWebhook } from '../../src/domain/webhooks/verify';

const BASE_PORT = Number(process.env.CLUSTER_BASE_PORT ?? 7101);
const POLL_TIMEOUT_S = 20;
/** A wakeup, well before the poll timeout's final read. */
const MAX_WAKE_MS = 5000;
const BOT_RATE = 20;

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

describe('on a Redis Cluster: two api processes and two workers', () => {
  let cluster: RedisCluster | undefined;
  let drop: (() => Promise<void>) | undefined;
  let receiver: Receiver | undefined;
  const procs: PlatformProcess[] = [];
  let apis: PlatformProcess[];
  let user: TestUser;
  const log: string[] = [];
  afterAll(() => console.log(`Redis Cluster, 2 api + 2 worker processes:\n  ${log.join('\n  ')}`));

  beforeAll(async () => {
    let t = Date.now();
    cluster = await RedisCluster.start(BASE_PORT);
    log.push(`cluster of 6 nodes up in ${Date.now() - t} ms`);
    const testEnv = await createTestEnv({
      REDIS_CLUSTER_NODES: cluster.nodes,
      LOG_LEVEL: 'warn',
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2,0.2',
      MAX_BOTS_PER_OWNER: '1000',
      RATE_LIMIT_PER_BOT: String(BOT_RATE),
      // One person sends the whole burst.
      USER_WRITES_PER_MINUTE: '0',
    });
    drop = testEnv.drop;
    t = Date.now();
    // Each process is kept as it comes up (stopped in afterAll even if another fails), and
    // started once more should its port have been taken between choosing and binding it.
    const start = async (role: 'api' | 'worker') => {
      const opts = { readyTimeoutMs: 60000 };
      const p = await startPlatformProcess(testEnv.env, role, opts).catch(() =>
        startPlatformProcess(testEnv.env, role, opts),
      );
      procs.push(p);
      return p;
    };
    const started = await Promise.all([
      start('api'),
      start('api'),
      start('worker'),
      start('worker'),
    ]);
    apis = started.slice(0, 2);
    log.push(`4 processes up in ${Date.now() - t} ms`);
    receiver = await Receiver.start();
    user = await registerUser(supertest(apis[0]!.url));
  }, 90000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop(3000)));
    await receiver?.close();
    await drop?.().catch(() => {});
    cluster?.stop();
  }, 30000);

  afterEach(() => {
    for (const p of procs) {
      expect({
        role: p.role,
        alive: p.alive(),
        out: p.alive() ? '' : p.output().slice(-2000),
      }).toEqual({ role: p.role, alive: true, out: '' });
    }
  });

  async function botsWithChats(n: number, name: string): Promise<[TestBot, string][]> {
    const http = supertest(apis[0]!.url);
    const bots = await Promise.all(
      [...Array(n)].map((_, i) => registerBot(http, user, { name: `${name} ${i}` })),
    );
    return Promise.all(bots.map(async (b) => [b, await openChat(http, user, b)] as const));
  }

  it('polls parked on one api process are woken by messages sent through the other', async () => {
    const pairs = await botsWithChats(12, 'Poller');
    const polls = pairs.map(([b], i) =>
      call(apis[i % 2]!.url, 'GET', `/api/v1/bot/updates?offset=1&timeout=${POLL_TIMEOUT_S}`, {
        headers: botAuth(b),
        timeoutMs: (POLL_TIMEOUT_S + 5) * 1000,
      }).then((r) => ({ r, at: Date.now() })),
    );
    await sleep(500); // parked
    const sentAt: number[] = [];
    await Promise.all(
      pairs.map(async ([, chatId], i) => {
        sentAt[i] = Date.now();
        const r = await call(apis[(i + 1) % 2]!.url, 'POST', `/api/v1/chats/${chatId}/messages`, {
          headers: bearer(user),
          body: { content: `to poller ${i}` },
        });
        expect(r.status).toBe(201);
      }),
    );
    const wake = (await Promise.all(polls)).map(({ r, at }, i) => {
      expect(r.status).toBe(200);
      expect(
        r.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
      ).toEqual([`to poller ${i}`]);
      return at - sentAt[i]!;
    });
    log.push(
      `12 polls woken across processes: p50 ${percentile(wake, 0.5)} ms, max ${Math.max(...wake)} ms`,
    );
    expect(Math.max(...wake)).toBeLessThan(MAX_WAKE_MS);
  }, 40000);

  it('webhook updates are delivered by the workers through the hash-tagged queue', async () => {
    const [bot, chatId] = (await botsWithChats(1, 'Hooked'))[0]!;
    const set = await call(apis[0]!.url, 'PUT', '/api/v1/bot/webhook', {
      headers: botAuth(bot),
      body: { url: receiver!.url },
    });
    expect(set.status).toBe(200);
    const N = 20;
    const t0 = Date.now();
    for (let i = 0; i < N; i++) {
      const r = await call(apis[i % 2]!.url, 'POST', `/api/v1/chats/${chatId}/messages`, {
        headers: bearer(user),
        body: { content: `hook ${i}` },
      });
      expect(r.status).toBe(201);
    }
    const received = await receiver!.waitFor(N, 20000);
    const updates = received.map((r) => {
      verifyWebhook({ headers: r.headers, body: r.body, secret: set.body.secret });
      return JSON.parse(r.body) as { update_id: number; payload: { content: string } };
    });
    expect(updates.map((u) => [u.update_id, u.payload.content])).toEqual(
      [...Array(N)].map((_, i) => [i + 1, `hook ${i}`]),
    );
    log.push(
      `${N} webhook deliveries in order, all received ${Date.now() - t0} ms after the first POST`,
    );
  }, 40000);

  it("one bot's rate limit is one counter across both api processes", async () => {
    const [bot] = (await botsWithChats(1, 'Limited'))[0]!;
    const t0 = Date.now();
    const answers = await Promise.all(
      [...Array(BOT_RATE * 3)].map((_, i) =>
        call(apis[i % 2]!.url, 'GET', '/api/v1/bot/me', { headers: botAuth(bot) }),
      ),
    );
    const ms = Date.now() - t0;
    const ok = answers.filter((r) => r.status === 200).length;
    const refused = answers.filter((r) => r.status === 429).length;
    expect(ok + refused).toBe(answers.length);
    log.push(
      `${answers.length} calls to both processes in ${ms} ms: ${ok} accepted, ${refused} refused`,
    );
    // Per-process counters would accept BOT_RATE on each process; a window is one second.
    expect(ok).toBeLessThanOrEqual(ms < 1000 ? BOT_RATE : 2 * BOT_RATE);
    expect(refused).toBeGreaterThan(0);
  }, 30000);

  it('a master killed mid-burst: its replica takes over, no update is lost, parked polls resume', async () => {
    const BOTS = 9;
    const PER_BOT = 20;
    const TOTAL = BOTS * PER_BOT;
    const pairs = await botsWithChats(BOTS, 'Burst');
    const got: Map<string, number>[] = pairs.map(() => new Map());
    let done = false;

    // Each bot long-polls on one api process; the user writes through the other.
    const pollers = pairs.map(async ([bot], i) => {
      let offset = 1;
      let errors = 0;
      while (!done && got[i]!.size < PER_BOT) {
        const r = await call(
          apis[i % 2]!.url,
          'GET',
          `/api/v1/bot/updates?offset=${offset}&timeout=${POLL_TIMEOUT_S}`,
          { headers: botAuth(bot), timeoutMs: (POLL_TIMEOUT_S + 5) * 1000 },
        ).catch(() => undefined);
        if (r?.status !== 200) {
          errors++;
          await sleep(200);
          continue;
        }
        const at = Date.now();
        for (const u of r.body.updates as { update_id: number; payload: { content: string } }[]) {
          if (got[i]!.has(u.payload.content)) throw new Error(`duplicate ${u.payload.content}`);
          got[i]!.set(u.payload.content, at);
          offset = u.update_id + 1;
        }
      }
      return errors;
    });
    await sleep(500); // parked

    const masters = await cluster!.masters();
    expect(masters).toHaveLength(3);
    const victim = masters[0]!;
    const survivors = cluster!.ports.filter((p) => p !== victim);
    const sent: { bot: number; content: string; at: number; ms: number }[] = [];
    let killedAt = 0;
    let failover: Promise<number> | undefined;
    const SENDERS = 3;
    let next = 0;
    await Promise.all(
      [...Array(SENDERS)].map(async () => {
        while (next < TOTAL) {
          const n = next++;
          if (n === Math.floor(TOTAL / 3)) {
            killedAt = Date.now();
            cluster!.kill(victim);
            failover = cluster!.waitPromoted(victim, survivors, 30000);
          }
          const bot = n % BOTS;
          const content = `burst ${n}`;
          const at = Date.now();
          const r = await call(
            apis[(bot + 1) % 2]!.url,
            'POST',
            `/api/v1/chats/${pairs[bot]![1]}/messages`,
            { headers: bearer(user), body: { content } },
          );
          expect(r.status).toBe(201);
          sent.push({ bot, content, at, ms: Date.now() - at });
          await sleep(20);
        }
      }),
    );
    const burstEnd = Date.now();
    const clusterOkMs = await failover!;

    // Every update arrives, by wakeups: well before a parked poll's own timeout.
    const deadline = Date.now() + 15000;
    while (got.some((g) => g.size < PER_BOT) && Date.now() < deadline) await sleep(50);
    done = true;
    const missing = sent.filter((s) => !got[s.bot]!.has(s.content)).map((s) => s.content);
    const afterKill = sent.filter((s) => s.at >= killedAt);
    const delay = afterKill.map((s) => got[s.bot]!.get(s.content)! - s.at);
    const slow = afterKill.filter((s, i) => delay[i]! > 1000 || !got[s.bot]!.has(s.content));
    const recoveredAt = Math.max(
      killedAt,
      ...slow.map((s) => got[s.bot]!.get(s.content) ?? Infinity),
    );
    log.push(
      `failover: ${TOTAL} messages to ${BOTS} polling bots, master :${victim} SIGKILLed after ${Math.floor(TOTAL / 3)}; ` +
        `replica promoted, cluster_state ok after ${clusterOkMs} ms; updates lost: ${missing.length}; ` +
        `deliveries back under 1 s ${recoveredAt - killedAt} ms after the kill; ` +
        `worst delivery delay ${Math.max(...delay.filter(Number.isFinite))} ms; ` +
        `slowest send ${Math.max(...sent.map((s) => s.ms))} ms; burst took ${burstEnd - sent[0]!.at} ms`,
    );
    const pollErrors = await Promise.all(pollers);
    log.push(`poll errors during failover: ${pollErrors.reduce((a, b) => a + b, 0)}`);
    expect(missing).toEqual([]);
    expect(sent).toHaveLength(TOTAL);
    // Polls resumed by wakeups, not by their 20 s timeouts.
    expect(recoveredAt - killedAt).toBeLessThan(15000);
  }, 90000);
});
