// What a parked poll holds: parks N bot polls (default 2,000) on one api process, takes a V8
// heap snapshot of it (SIGUSR2), and prints the heap's bytes per parked poll by constructor,
// largest first. `tsx scripts/bench/heap-snapshot.ts [polls] [quanta|gateway|feed|floor]` after
// `npm run build`: Quanta's /updates, the gateway's getUpdates, the messenger's event feed, or
// the wake floor's parked GET (floor-server.ts with npm start's flags), the same tally for both.
import { copyFileSync, readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { once } from 'node:events';
import { makeFixture, type Fixture } from './client';
import { createBenchEnv, startServer, type BenchEnv } from './env';
import { startFloor } from './floors';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

type Route = 'quanta' | 'gateway' | 'feed' | 'floor';

/** One parked GET, left open (the server's stop cuts it short). */
function get(url: string, headers: Record<string, string> = {}): void {
  const req = http.get(url, { agent, headers }, (res) => res.resume());
  req.on('error', () => undefined);
}

function park(base: string, route: Route, bot: Fixture['bots'][number], fx: Fixture): void {
  if (route === 'gateway')
    get(`${base}/gateway/bot${bot.telegramToken}/getUpdates?timeout=50&offset=1`);
  else if (route === 'feed')
    get(`${base}/api/v1/events?timeout=50`, { authorization: `Bearer ${fx.user.token}` });
  else get(`${base}/api/v1/bot/updates?timeout=50&offset=1`, { 'x-bot-token': bot.apiKey });
}

/** Self bytes and counts by "type:name" over the whole heap. */
function tally(file: string): Map<string, { bytes: number; count: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + typeAt!]!]!;
    // Strings are grouped as one: their text is the name.
    const name =
      type === 'string' || type === 'concatenated string' ? '' : s.strings[s.nodes[i + nameAt!]!]!;
    const key = `${type}:${name.slice(0, 60)}`;
    const t = out.get(key) ?? { bytes: 0, count: 0 };
    t.bytes += s.nodes[i + sizeAt!]!;
    t.count += 1;
    out.set(key, t);
  }
  return out;
}

async function snapshot(pid: number, dir: string): Promise<string> {
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const done = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    // Written in place: wait until its size settles.
    if (done) {
      const file = path.join(dir, done);
      const size = () => readFileSync(file).length;
      const a = size();
      await new Promise((r) => setTimeout(r, 1000));
      if (size() === a && a > 0) return file;
    }
  }
  throw new Error('no heap snapshot written');
}

/** The process whose heap is measured, and how one poll is parked on it. */
interface Target {
  pid: number;
  /** The response class, one per parked poll. */
  response: string;
  park(i: number): void;
  stop(): Promise<void>;
}

async function platform(env: BenchEnv, route: Route, polls: number): Promise<Target> {
  const server = await startServer(env.env, 'api');
  const fx = await makeFixture(server.url, polls);
  return {
    pid: server.child.pid!,
    response: 'object:AppResponse',
    park: (i) => park(server.url, route, fx.bots[i]!, fx),
    stop: () => server.stop(),
  };
}

async function floor(env: BenchEnv, flags: string[]): Promise<Target> {
  const { child, base } = await startFloor(env, { asStarted: true, flags });
  return {
    pid: child.pid!,
    response: 'object:ServerResponse',
    park: (i) => get(`${base}/park/${i}`),
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function main() {
  const polls = Number(process.argv[2] ?? 2000);
  const route = (process.argv[3] ?? 'quanta') as Route;
  const dir = mkdtempSync(path.join(tmpdir(), 'heap-'));
  const flags = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`];
  process.env.BENCH_NODE_FLAGS = flags.join(' ');
  const env = await createBenchEnv();
  // One user holds every feed poll: as many as the per-user bound allows at most.
  if (route === 'feed') env.env.FEED_POLLS_PER_USER = String(Math.min(polls, 1000));
  const target = route === 'floor' ? await floor(env, flags) : await platform(env, route, polls);
  try {
    const base = await snapshot(target.pid, dir);
    const before = tally(base);
    // HEAP_KEEP=<path> keeps the parked snapshot (and <path>.before) for a closer look.
    if (process.env.HEAP_KEEP) copyFileSync(base, `${process.env.HEAP_KEEP}.before`);
    rmSync(base);
    for (let i = 0; i < polls; i += 250) {
      for (let k = i; k < Math.min(i + 250, polls); k++) target.park(k);
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 15_000)); // every poll reaches its wait
    const afterFile = await snapshot(target.pid, dir);
    const after = tally(afterFile);
    if (process.env.HEAP_KEEP) copyFileSync(afterFile, process.env.HEAP_KEEP);
    // Per poll parked when the snapshot was taken: one response object each.
    const parked =
      (after.get(target.response)?.count ?? 0) - (before.get(target.response)?.count ?? 0);
    const rows = [...after.entries()]
      .map(([k, v]) => {
        const b = before.get(k) ?? { bytes: 0, count: 0 };
        return { k, bytes: (v.bytes - b.bytes) / parked, count: (v.count - b.count) / parked };
      })
      .sort((a, b) => b.bytes - a.bytes);
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    console.log(`heap bytes per parked poll: ${Math.round(total)} (${parked} of ${polls} parked)`);
    for (const r of rows.slice(0, 30)) {
      console.log(`${r.bytes.toFixed(0).padStart(7)} B ${r.count.toFixed(2).padStart(6)}×  ${r.k}`);
    }
  } finally {
    await target.stop();
    await env.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
