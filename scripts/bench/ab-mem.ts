// wake10k's idle and latency rows for several server variants, alternated round by round on
// one fixture (registering 10,000 bots once instead of per run), each round also measuring
// the wake floor sampled as long after parking. A variant is `name=root` (a built tree) and
// optionally `|flags`: V8 flags and KEY=VALUE environment, space separated.
// Usage: npx tsx scripts/bench/ab-mem.ts <bots> <samples> <rounds> <variant>…
//   e.g. 'base=/work/wt-base' 'semi2=.|--max-semi-space-size=2 MALLOC_ARENA_MAX=2'
import { makeFixture } from './client';
import { createBenchEnv, startServer } from './env';
import { wakeFloor } from './floors';
import { idleWindow } from './idle';
import { variant } from './variants';
import { wakeLatency } from './wake-latency';

async function main() {
  const [bots, samples, rounds, ...args] = process.argv.slice(2);
  const n = Number(bots);
  const variants = args.map(variant);
  const env = await createBenchEnv();
  try {
    const setup = await startServer(env.env, 'api', variants[0]!.root);
    const fx = await makeFixture(setup.url, n);
    await setup.stop();
    const offsets = new Map(fx.bots.map((b) => [b.id, 1]));
    for (let round = 0; round < Number(rounds); round++) {
      for (const v of variants) {
        process.env.BENCH_NODE_FLAGS = v.flags;
        const s = await startServer({ ...env.env, ...v.env }, 'api', v.root);
        const r = await wakeLatency(
          s.url,
          n,
          Number(samples),
          () => idleWindow(s.child.pid!, env.databaseUrl, 60),
          { fx, offsets },
        );
        await s.stop();
        const floorEnv = await createBenchEnv();
        const floor = await wakeFloor(floorEnv, n, Number(samples), r.settle_ms).finally(() =>
          floorEnv.dispose(),
        );
        console.log(
          JSON.stringify({
            round,
            variant: v.name,
            rss_max: r.rss_mb,
            rss_median: r.rss_mb_median,
            rss_min: r.rss_mb_min,
            after_burst: r.rss_mb_after_burst,
            tx_per_s: r.idle_tx_per_s,
            p50: r.p50,
            p99: r.p99,
            after_accept_p99: r.after_accept_p99,
            floor_p50: floor.p50,
            floor_p99: floor.p99,
            p99_of_floor: Math.round((r.p99 / floor.p99) * 100) / 100,
            repolls_while_sampling: r.repolls_while_sampling,
            floor_repolls_while_sampling: floor.repolls_while_sampling,
            reparked: r.polls_reparked,
          }),
        );
      }
    }
  } finally {
    await env.dispose();
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
