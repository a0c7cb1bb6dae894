// SIGKILL the webhook worker process in the middle of a 500-update burst: another worker
// delivers the rest, nothing is lost, and each bot still sees its updates in order.
// (At-least-once: an update whose POST was in flight when the worker died comes again.)
import supertest from 'supertest';
import { createTestEnv } from '../support/platform';
import { botAuth, bearer, openChat, registerBot, registerUser } from '../support/fixtures';
import { call } from '../support/http-call';
import { sleep, startPlatformProcess, type PlatformProcess } from '../support/processes';
import { Receiver, type Received } from '../support/receiver';
import { verifyWebhook } from '../../src/domain/webhooks/verify';

const BOTS = 20;
const PER_BOT = 25; // 500 updates in all
const KILL_AFTER = 100;

interface Delivered {
  update_id: number;
  id: string;
  payload: { chat_id: string; content: string };
}

describe('webhook worker SIGKILLed during a burst', () => {
  let drop: (() => Promise<void>) | undefined;
  let receiver: Receiver | undefined;
  const procs: PlatformProcess[] = [];
  const log: string[] = [];
  // The figures, also when the test fails half-way.
  afterAll(() =>
    console.log(`webhook worker kill (${BOTS} bots × ${PER_BOT}):\n  ${log.join('\n  ')}`),
  );

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await receiver?.close();
    await drop?.();
  }, 20000);

  it('delivers all 500 updates, in order per bot, after the worker is killed', async () => {
    const testEnv = await createTestEnv({
      LOG_LEVEL: 'warn',
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2,0.2,0.5,1,1,1,1',
      WEBHOOK_TIMEOUT_MS: '10000',
      // The burst is load on the worker, not a person typing: no per-person write limit.
      USER_WRITES_PER_MINUTE: '0',
      // One owner registers every bot.
      MAX_BOTS_PER_OWNER: '1000',
    });
    drop = testEnv.drop;
    const env = testEnv.env;
    receiver = await Receiver.start();
    // After the KILL_AFTER-th burst request every POST hangs until the worker is killed, so
    // the kill surely lands mid-delivery (one POST in flight per bot). Request 1 is a warm-up.
    let hanging = false;
    let killed = false;
    receiver.onRequest((_r, n) => {
      if (n > KILL_AFTER && !killed) hanging = true;
      return hanging ? 'hang' : { status: 200, body: 'ok' };
    });

    const api = await startPlatformProcess(env, 'api');
    procs.push(api);
    const http = supertest(api.url);
    const user = await registerUser(http);
    const bots = await Promise.all(
      [...Array(BOTS)].map((_, i) => registerBot(http, user, { name: `Hook ${i}` })),
    );
    const chats = await Promise.all(bots.map((b) => openChat(http, user, b)));
    const secretByChat = new Map<string, string>();
    await Promise.all(
      bots.map(async (b, i) => {
        const r = await call(api.url, 'PUT', '/api/v1/bot/webhook', {
          headers: botAuth(b),
          body: { url: receiver!.url },
        });
        expect(r.status).toBe(200);
        secretByChat.set(chats[i]!, r.body.secret);
      }),
    );

    // A warm-up delivery through a bot outside the burst: the first worker is up and draining.
    const warm = await registerBot(http, user, { name: 'Warm-up' });
    const warmChat = await openChat(http, user, warm);
    const warmHook = await call(api.url, 'PUT', '/api/v1/bot/webhook', {
      headers: botAuth(warm),
      body: { url: receiver.url },
    });
    expect(warmHook.status).toBe(200);
    const first = await startPlatformProcess(env, 'worker');
    procs.push(first);
    await call(api.url, 'POST', `/api/v1/chats/${warmChat}/messages`, {
      headers: bearer(user),
      body: { content: 'warm-up' },
    });
    await receiver.waitFor(1, 20000);
    const warmId = receiver.received[0]!.headers['webhook-id'];

    const t0 = Date.now();
    let burstDone = false;
    // The burst: PER_BOT rounds, one message to every bot per round.
    const burst = (async () => {
      for (let round = 0; round < PER_BOT; round++) {
        await Promise.all(
          chats.map(async (chatId) => {
            const r = await call(api.url, 'POST', `/api/v1/chats/${chatId}/messages`, {
              headers: bearer(user),
              body: { content: `m${round}` },
            });
            if (r.status !== 201) throw new Error(`send: ${r.status} ${r.error ?? ''}`);
          }),
        );
      }
      burstDone = true;
      return Date.now() - t0;
    })();
    // Awaited below; until then a failure must not be reported as an unhandled rejection.
    burst.catch(() => {});

    await receiver.waitFor(1 + KILL_AFTER, 30000);
    // Let more bots' next POSTs reach the receiver and hang (bounded: ~1 s).
    for (let i = 0; i < 20 && receiver.received.length - KILL_AFTER < BOTS / 2; i++) {
      await sleep(50);
    }
    const inFlight = receiver.received.length - KILL_AFTER;
    const killedAt = Date.now();
    await first.kill();
    const arrivedBeforeKill = receiver.received.length - 1;
    const burstRunningAtKill = !burstDone;
    killed = true;
    hanging = false;

    const second = await startPlatformProcess(env, 'worker');
    procs.push(second);
    const burstMs = await burst;

    const burstReceived = () =>
      receiver!.received.filter((r) => r.headers['webhook-id'] !== warmId);
    const distinct = () => new Set(burstReceived().map((r) => r.headers['webhook-id']));
    const deadline = Date.now() + 45000;
    while (distinct().size < BOTS * PER_BOT && Date.now() < deadline) await sleep(100);
    const doneAt = Date.now();
    expect(distinct().size).toBe(BOTS * PER_BOT);

    // First arrival of each update, per bot, in arrival order.
    const firstSeen = new Map<string, Received>();
    for (const r of burstReceived()) {
      const id = r.headers['webhook-id'] as string;
      if (!firstSeen.has(id)) firstSeen.set(id, r);
    }
    const perChat = new Map<string, Delivered[]>();
    for (const r of firstSeen.values()) {
      const u = JSON.parse(r.body) as Delivered;
      expect(u.id).toBe(r.headers['webhook-id']);
      // Signed with that bot's own secret.
      expect(() =>
        verifyWebhook({
          headers: r.headers,
          body: r.body,
          secret: secretByChat.get(u.payload.chat_id)!,
        }),
      ).not.toThrow();
      const list = perChat.get(u.payload.chat_id) ?? [];
      list.push(u);
      perChat.set(u.payload.chat_id, list);
    }
    expect(perChat.size).toBe(BOTS);
    const expected = [...Array(PER_BOT)].map((_, i) => ({ update_id: i + 1, content: `m${i}` }));
    for (const chatId of chats) {
      const got = perChat.get(chatId)!.map((u) => ({
        update_id: u.update_id,
        content: u.payload.content,
      }));
      expect(got).toEqual(expected);
    }

    // Duplicates (at-least-once) carry the very same update.
    const duplicates = burstReceived().filter(
      (r) => firstSeen.get(r.headers['webhook-id'] as string) !== r,
    );
    for (const d of duplicates) {
      expect(d.body).toBe(firstSeen.get(d.headers['webhook-id'] as string)!.body);
    }

    // Nothing left pending: every update acknowledged in Postgres.
    for (const b of bots) {
      let pending = -1;
      for (let i = 0; i < 50; i++) {
        const info = await call(api.url, 'GET', '/api/v1/bot/webhook', { headers: botAuth(b) });
        pending = info.body.pending_update_count;
        if (pending === 0) break;
        await sleep(100);
      }
      expect(pending).toBe(0);
    }
    expect(api.alive() && second.alive()).toBe(true);

    log.push(
      `burst sent in ${burstMs} ms`,
      `killed after ${arrivedBeforeKill} requests (${inFlight} POSTs hanging in flight), ${killedAt - t0} ms in, burst ${burstRunningAtKill ? 'still being sent' : 'already sent'}`,
      `all ${BOTS * PER_BOT} distinct delivered ${doneAt - killedAt} ms after the kill (${doneAt - t0} ms in all)`,
      `requests received ${burstReceived().length}, duplicates ${duplicates.length}`,
    );
    expect(await second.stop()).toBe(0);
  }, 90000);
});
