// Quick memory probe for parked polls (smaller and shorter than wake10k): parks N bot polls
// (default 2,000) with a short timeout (default 20 s) on one api process, and prints its RSS
// before parking, once parked, and its peak through two re-poll waves, with RSS per poll.
// `tsx scripts/bench/park-probe.ts [polls] [timeoutSeconds]` after `npm run build`.
// BENCH_NODE_FLAGS / BENCH_ENV (KEY=VALUE,…) vary the server's flags and environment.
import http from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { makeFixture, type Fixture } from './client';
import { createBenchEnv, startServer } from './env';

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
let stopping = false;

function poll(base: string, bot: Fixture['bots'][number], timeout: number): void {
  const req = http.get(
    `${base}/api/v1/bot/updates?timeout=${timeout}&offset=1`,
    { agent, headers: { 'x-bot-token': bot.apiKey } },
    (res) => {
      res.resume();
      res.on('end', () => {
        if (!stopping) poll(base, bot, timeout); // re-poll at once, as a bot does
      });
    },
  );
  req.on('error', () => undefined); // cut short when the server stops
}

/** Resident and anonymous memory of `pid`, in MB. */
function memory(pid: number): { rss: number; anon: number } {
  const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rss: Math.round(kb('Rss') / 1024), anon: Math.round(kb('Anonymous') / 1024) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const polls = Number(process.argv[2] ?? 2000);
  const timeout = Number(process.argv[3] ?? 20);
  const extra = Object.fromEntries(
    (process.env.BENCH_ENV ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
  const env = await createBenchEnv(extra);
  const server = await startServer(env.env, 'api');
  const pid = server.child.pid!;
  try {
    const fx = await makeFixture(server.url, polls);
    await sleep(3000);
    const before = memory(pid);
    const fds = () => readdirSync(`/proc/${pid}/fd`).length;
    const idleFds = fds();
    for (let i = 0; i < fx.bots.length; i += 250) {
      for (const b of fx.bots.slice(i, i + 250)) poll(server.url, b, timeout);
      await sleep(25);
    }
    // Parked: one socket each (waited for, up to 3 minutes on a loaded machine).
    for (let i = 0; i < 180 && fds() < idleFds + polls * 0.98; i++) await sleep(1000);
    await sleep(5000);
    const parked = memory(pid);
    if (process.env.PROBE_SMAPS)
      writeFileSync(process.env.PROBE_SMAPS, readFileSync(`/proc/${pid}/smaps`));
    // Two re-poll waves: sample each second.
    let peak = parked.rss;
    const samples: number[] = [];
    for (let s = 0; s < timeout * 2 + 10; s++) {
      await sleep(1000);
      const m = memory(pid).rss;
      samples.push(m);
      peak = Math.max(peak, m);
    }
    stopping = true;
    const per = (mb: number) => Math.round(((mb - before.rss) * 1024 * 1024) / polls);
    console.log(
      JSON.stringify({
        polls,
        before,
        parked,
        peak,
        bytes_per_poll_parked: per(parked.rss),
        bytes_per_poll_peak: per(peak),
        samples: samples.join(','),
      }),
    );
  } finally {
    stopping = true;
    await server.stop();
    await env.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
