// Wake latency: N bots long-poll at once; a user posts to one of them; how long until that
// bot's parked /updates answers. Measured from the moment the POST is sent (so it includes
// the POST's own handling: an upper bound of "accepted → woken").
import { performance } from 'node:perf_hooks';
import { makeFixture, must, type Fixture } from './client';
import { request, type Answer } from './http';
import { lull, summarize } from './stats';

interface Parked {
  promise: Promise<number>;
}

/** One measurement's polls: told to stop together, counted together. */
interface Run {
  stopping: boolean;
  /** Polls the server refused (503 with Retry-After) or that were reset, each asked again. */
  reparked: number;
  /** When each poll that ended by its timeout was sent again (the re-poll waves). */
  repolls: number[];
}

/** Connection failures of a full accept queue (SYN cookies; a connect never answered). */
const RETRIED = new Set(['ECONNRESET', 'ETIMEDOUT']);
/** A poll failing this many times in a row ends the run: the server is not coping. */
const MAX_TRIES = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What a bot does with its poll's answer: reads its updates, or polls again after a timeout.
 * A 503 (the server's pool or cap was full during the 10,000-connection burst: it sends
 * Retry-After), a connection reset or a connect timed out (a full accept queue) is asked
 * again after a second, as a real client would, and counted.
 */
function park(run: Run, base: string, bot: Fixture['bots'][number], offset: number): Parked {
  const url = new URL(`${base}/api/v1/bot/updates?timeout=50&offset=${offset}`);
  const promise = (async () => {
    for (let failed = 0; !run.stopping;) {
      let r: Answer;
      try {
        r = await request(url, { headers: { 'x-bot-token': bot.apiKey } });
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!RETRIED.has(code) || ++failed >= MAX_TRIES) throw err;
        run.reparked++;
        await sleep(1000);
        continue;
      }
      if (r.status === 503 && ++failed < MAX_TRIES) {
        run.reparked++;
        await sleep(1000);
        continue;
      }
      if (r.status !== 200) throw new Error(`poll ${r.status} ${r.body}`);
      failed = 0;
      if ((JSON.parse(r.body) as { updates: unknown[] }).updates.length > 0)
        return performance.now();
      run.repolls.push(performance.now());
    }
    return NaN;
  })().catch((err: unknown) => {
    if (run.stopping) return NaN; // a poll cut short by the stop
    throw err;
  });
  return { promise };
}

/** Park every bot's poll, a few hundred at a time, as real clients would not all connect at once. */
async function parkAll(
  run: Run,
  base: string,
  bots: Fixture['bots'],
  offsets: Map<string, number>,
): Promise<Map<string, Parked>> {
  const parked = new Map<string, Parked>();
  for (let i = 0; i < bots.length; i += 250) {
    for (const b of bots.slice(i, i + 250))
      parked.set(b.id, park(run, base, b, offsets.get(b.id)!));
    await new Promise((r) => setTimeout(r, 25));
  }
  return parked;
}

export async function wakeLatency<Idle extends object = object>(
  base: string,
  bots: number,
  samples: number,
  /** Runs while every poll is parked and nothing else happens (idle-cost measurements). */
  whileIdle: () => Promise<Idle> = () => Promise.resolve({} as Idle),
  /** Bots registered before (ab-mem.ts: one fixture, several servers), with their offsets. */
  given?: { fx: Fixture; offsets: Map<string, number> },
) {
  const run: Run = { stopping: false, reparked: 0, repolls: [] };
  const fx = given?.fx ?? (await makeFixture(base, bots));
  const auth = { authorization: `Bearer ${fx.user.token}` };
  const offsets = given?.offsets ?? new Map(fx.bots.map((b) => [b.id, 1]));
  const parking = performance.now();
  const parked = await parkAll(run, base, fx.bots, offsets);
  await new Promise((r) => setTimeout(r, bots > 2000 ? 5000 : 1500)); // every poll reaches its wait
  const idle = await whileIdle();
  const lulled = performance.now();
  await lull(run.repolls);
  const waitedForLull = Math.round(performance.now() - lulled);
  const latencies: number[] = [];
  const accepted: number[] = [];
  const afterAccept: number[] = [];
  const sampling = performance.now();
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
    parked.set(bot.id, park(run, base, bot, next));
    await new Promise((r) => setTimeout(r, 2));
  }
  const sampled = performance.now();
  run.stopping = true; // the server's shutdown answers the parked polls; let them end quietly
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
    polls_reparked: run.reparked,
    /** From parking to the first sample: the floor waits as long (floors.ts). */
    settle_ms: Math.round(lulled - parking),
    waited_for_lull_ms: waitedForLull,
    // A re-poll wave landing on the samples costs them the server's CPU: 0 after a lull.
    repolls_while_sampling: run.repolls.filter((t) => t >= sampling && t <= sampled).length,
  };
}
