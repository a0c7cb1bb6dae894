// Wake latency of several built trees (each a checkout after `npm run build`) and the wake
// floor, interleaved sample by sample, so that the load of a shared machine drifts alike for
// all of them: a before/after pair measured this way needs no quiet machine.
// Usage: npx tsx scripts/bench/ab-wake.ts <bots> <samples> <variant>..., a variant being a built
// tree, or `name=tree|flags` as for ab-mem.ts (e.g. 'generic=.|PGOPTIONS=-c…').
// Server CPU per send counts the send and the woken poll's re-poll (the floor's likewise).
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { makeFixture, type Fixture } from './client';
import { cpuSeconds } from './cpu';
import { createBenchEnv, startServer } from './env';
import { startFloor } from './floors';
import { request } from './http';
import { summarize } from './stats';
import { variant, type Variant } from './variants';

interface Target {
  name: string;
  pid: number;
  /** Parks the poll of key k; resolves when it answers with news. */
  park(k: number): Promise<number>;
  send(k: number, i: number): Promise<void>;
  keys: number;
  stop(): Promise<void>;
  lat: number[];
  post: number[];
  cpu0: number;
}

async function platformTarget(v: Variant, bots: number): Promise<Target> {
  const env = await createBenchEnv();
  process.env.BENCH_NODE_FLAGS = v.flags;
  const s = await startServer({ ...env.env, ...v.env }, 'all', v.root);
  const fx: Fixture = await makeFixture(s.url, bots);
  const auth = { authorization: `Bearer ${fx.user.token}`, 'content-type': 'application/json' };
  const offsets = fx.bots.map(() => 1);
  return {
    name: v.name,
    pid: s.child.pid!,
    keys: bots,
    lat: [],
    post: [],
    cpu0: 0,
    async park(k) {
      const bot = fx.bots[k]!;
      // A 503 (the pool's queue timed out while 1,000 polls parked at once on a loaded
      // machine) is retried as a bot library would; before, it made that sample NaN.
      for (let shed = 0; ;) {
        const r = await request(`${s.url}/api/v1/bot/updates?timeout=50&offset=${offsets[k]}`, {
          headers: { 'x-bot-token': bot.apiKey },
        }).catch(() => ({ status: 0, body: '' }));
        if (r.status === 503 && ++shed <= 20) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        if (r.status !== 200) return NaN;
        if ((JSON.parse(r.body) as { updates: unknown[] }).updates.length > 0) {
          offsets[k]!++;
          return performance.now();
        }
      }
    },
    async send(k, i) {
      const r = await request(`${s.url}/api/v1/chats/${fx.bots[k]!.chatId}/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ content: `ping ${i}` }),
      });
      if (r.status !== 201) throw new Error(`send ${r.status} ${r.body}`);
    },
    async stop() {
      await s.stop();
      await env.dispose();
    },
  };
}

async function floorTarget(keys: number): Promise<Target> {
  const env = await createBenchEnv();
  const { child, base } = await startFloor(env);
  return {
    name: 'floor',
    pid: child.pid!,
    keys,
    lat: [],
    post: [],
    cpu0: 0,
    park: (k) =>
      request(`${base}/park/${k}`).then(
        () => performance.now(),
        () => NaN,
      ),
    send: async (k) => void (await request(`${base}/wake/${k}`, { method: 'POST' })),
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await env.dispose();
    },
  };
}

async function main() {
  const [bots, samples, ...roots] = process.argv.slice(2);
  const n = Number(bots);
  const targets = [await floorTarget(n)];
  for (const r of roots) targets.push(await platformTarget(variant(r), n));
  const parked = targets.map((t) => Array.from({ length: n }, (_, k) => t.park(k)));
  await new Promise((r) => setTimeout(r, 2000));
  for (const t of targets) t.cpu0 = cpuSeconds(t.pid);
  for (let i = 0; i < Number(samples); i++) {
    const k = Math.floor(Math.random() * n);
    for (const [j, t] of targets.entries()) {
      const t0 = performance.now();
      await t.send(k, i);
      const t1 = performance.now();
      const woke = await parked[j]![k]!;
      t.lat.push(woke - t0);
      t.post.push(t1 - t0);
      parked[j]![k] = t.park(k);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const floor = summarize(targets[0]!.lat);
  for (const t of targets) {
    const s = summarize(t.lat);
    const cpu = ((cpuSeconds(t.pid) - t.cpu0) / t.lat.length) * 1000;
    console.log(
      `${t.name.padEnd(8)} p50 ${s.p50} p90 ${s.p90} p99 ${s.p99} | of floor p50 ${(s.p50 / floor.p50).toFixed(2)} p99 ${(s.p99 / floor.p99).toFixed(2)} | post p50 ${summarize(t.post).p50} | server cpu ms/send ${cpu.toFixed(3)}`,
    );
  }
  process.on('unhandledRejection', () => undefined);
  for (const t of targets) await t.stop();
  process.exit(0);
}
void main();
