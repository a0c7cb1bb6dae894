// Wake latency: N bots long-poll at once; a user posts to one of them; how long until that
// bot's parked /updates answers. Measured from the moment the POST is sent (so it includes
// the POST's own handling: an upper bound of "accepted → woken").
import { performance } from 'node:perf_hooks';
import { makeFixture, must, type Fixture } from './client';
import { request } from './http';
import { summarize } from './stats';

interface Parked {
  promise: Promise<number>;
}

let stopping = false;

function park(base: string, bot: Fixture['bots'][number], offset: number): Parked {
  const url = new URL(`${base}/api/v1/bot/updates?timeout=50&offset=${offset}`);
  const promise = (async () => {
    while (!stopping) {
      const r = await request(url, { headers: { 'x-bot-token': bot.apiKey } });
      if (r.status !== 200) throw new Error(`poll ${r.status} ${r.body}`);
      if ((JSON.parse(r.body) as { updates: unknown[] }).updates.length > 0)
        return performance.now();
    }
    return NaN;
  })().catch((err: unknown) => {
    if (stopping) return NaN; // a poll cut short by the stop
    throw err;
  });
  return { promise };
}

/** Park every bot's poll, a few hundred at a time, as real clients would not all connect at once. */
async function parkAll(base: string, bots: Fixture['bots']): Promise<Map<string, Parked>> {
  const parked = new Map<string, Parked>();
  for (let i = 0; i < bots.length; i += 250) {
    for (const b of bots.slice(i, i + 250)) parked.set(b.id, park(base, b, 1));
    await new Promise((r) => setTimeout(r, 25));
  }
  return parked;
}

export async function wakeLatency(
  base: string,
  bots: number,
  samples: number,
  /** Runs while every poll is parked and nothing else happens (idle-cost measurements). */
  whileIdle: () => Promise<Record<string, number>> = () => Promise.resolve({}),
) {
  stopping = false;
  const fx = await makeFixture(base, bots);
  const auth = { authorization: `Bearer ${fx.user.token}` };
  const offsets = new Map(fx.bots.map((b) => [b.id, 1]));
  const parked = await parkAll(base, fx.bots);
  await new Promise((r) => setTimeout(r, bots > 2000 ? 5000 : 1500)); // every poll reaches its wait
  const idle = await whileIdle();
  const latencies: number[] = [];
  const accepted: number[] = [];
  const afterAccept: number[] = [];
  for (let i = 0; i < samples; i++) {
    const bot = fx.bots[Math.floor(Math.random() * fx.bots.length)]!;
    const t0 = performance.now();
    await must(`${base}/api/v1/chats/${bot.chatId}/messages`, {
      headers: auth,
      body: { content: `ping ${i}` },
    });
    const t1 = performance.now();
    const woke = await parked.get(bot.id)!.promise;
    latencies.push(woke - t0);
    accepted.push(t1 - t0);
    afterAccept.push(woke - t1);
    const next = offsets.get(bot.id)! + 1;
    offsets.set(bot.id, next);
    parked.set(bot.id, park(base, bot, next));
    await new Promise((r) => setTimeout(r, 2));
  }
  stopping = true; // the server's shutdown answers the parked polls; let them end quietly
  const post = summarize(accepted);
  const wake = summarize(afterAccept);
  return {
    bots,
    ...idle,
    ...summarize(latencies),
    post_p50: post.p50,
    post_p99: post.p99,
    // Negative: the poll answered before the POST's own response reached the client.
    after_accept_p50: wake.p50,
    after_accept_p99: wake.p99,
  };
}
