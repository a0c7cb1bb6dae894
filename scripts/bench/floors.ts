// Throughput, read and wake latency of the reference servers (floor-server.ts), measured the
// way the platform's own figures are, so every figure can be read as a ratio of the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { cpuPerRequest } from './cpu';
import { reapOnExit, START_ENV, START_FLAGS, type BenchEnv } from './env';
import { request } from './http';
import { rssFigures, rssMb } from './idle';
import { closedLoop } from './load';
import { timedReads } from './read-loop';
import { lull, summarize } from './stats';

const SECONDS = 8;

let compiled: string | undefined;

/**
 * floor-server.ts as plain JavaScript, beside node_modules so its imports resolve: run under
 * tsx, its loader thread (a second V8 isolate) would add ~38 MB to the floor's RSS.
 */
function floorScript(): string {
  if (compiled) return compiled;
  const source = readFileSync(path.join(PROJECT_ROOT, 'scripts/bench/floor-server.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const dir = path.join(PROJECT_ROOT, 'node_modules/.cache/quanta-bench');
  mkdirSync(dir, { recursive: true });
  compiled = path.join(dir, 'floor-server.cjs');
  writeFileSync(compiled, outputText);
  return compiled;
}

/**
 * The floor server on `env`'s database and Redis prefix, once it listens; `asStarted`: with
 * the V8 flags and malloc setting `npm start` gives the platform; `flags`: more V8 flags.
 */
export async function startFloor(
  env: BenchEnv,
  o: { asStarted?: boolean; flags?: string[] } = {},
): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(o.asStarted ? START_FLAGS : []),
      ...(o.flags ?? []),
      floorScript(),
      env.databaseUrl,
      env.env.REDIS_URL!,
      env.env.REDIS_PREFIX!,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...(o.asStarted && START_ENV), ...process.env },
    },
  );
  reapOnExit(child);
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, base: `http://127.0.0.1:${chunk.toString().trim()}` };
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/**
 * 50 concurrent writers, each to its own chat: one durable INSERT per request; then reads of
 * a chat's 100 rows.
 */
export async function durableFloor(env: BenchEnv, o: { writeSeconds?: number } = {}) {
  const { child, base } = await startFloor(env);
  try {
    const insert = (w: number, i: number) => ({
      method: 'POST',
      path: `/insert/chat-${w}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: `load ${i}` }),
    });
    await closedLoop(base, 50, 1, insert);
    const seconds = o.writeSeconds ?? SECONDS;
    const write = await cpuPerRequest(child.pid!, () => closedLoop(base, 50, seconds, insert));
    for (let i = 0; i < 100; i++) await request(`${base}/insert/read`, { method: 'POST' });
    const read100 = await cpuPerRequest(child.pid!, () =>
      timedReads(`${base}/read100/read`, {}, (a) => a.rows),
    );
    return { write, read100 };
  } finally {
    await stop(child);
  }
}

/**
 * The floor's 100-row read of rows with these bodies (the platform's own updates, so each
 * row is the size and shape of one): what our read costs beside a floor reading as much.
 */
export async function sizedFloorRead(env: BenchEnv, bodies: unknown[]) {
  const { child, base } = await startFloor(env);
  try {
    for (const body of bodies) {
      await request(`${base}/insert/sized`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    }
    return await cpuPerRequest(child.pid!, () =>
      timedReads(`${base}/read100/sized`, {}, (a) => a.rows),
    );
  } finally {
    await stop(child);
  }
}

/**
 * GETs parked on the floor, each parked again when the floor answers it by its 50 s timeout
 * (as a bot re-polls): `parked` holds when each was woken (NaN if cut short by the stop).
 */
function floorPolls(base: string) {
  const polls = {
    stopping: false,
    parked: new Map<number, Promise<number>>(),
    /** When each GET answered by its timeout was sent again (the re-poll waves). */
    repolls: [] as number[],
    park(k: number): void {
      polls.parked.set(
        k,
        wait(k).catch(() => NaN),
      );
    },
    async parkAll(count: number): Promise<void> {
      for (let i = 0; i < count; i += 250) {
        for (let k = i; k < Math.min(i + 250, count); k++) polls.park(k);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  const wait = async (k: number): Promise<number> => {
    while (!polls.stopping) {
      const r = await request(`${base}/park/${k}`);
      if (r.body.includes('"woken":true')) return performance.now();
      polls.repolls.push(performance.now());
    }
    return NaN;
  };
  return polls;
}

/**
 * `parkedCount` GETs parked; each sample wakes one with a committed INSERT and a PUBLISH. The
 * samples start `settleMs` after parking began (as long as the platform's wake10k waited,
 * through its idle window) and in a lull between re-poll waves, as the platform's do.
 */
export async function wakeFloor(
  env: BenchEnv,
  parkedCount: number,
  samples: number,
  settleMs = parkedCount > 2000 ? 5000 : 1500,
) {
  const { child, base } = await startFloor(env);
  const polls = floorPolls(base);
  try {
    const parking = performance.now();
    await polls.parkAll(parkedCount);
    await new Promise((r) => setTimeout(r, parking + settleMs - performance.now()));
    await lull(polls.repolls);
    const latencies: number[] = [];
    const sampling = performance.now();
    for (let i = 0; i < samples; i++) {
      const k = Math.floor(Math.random() * parkedCount);
      const t0 = performance.now();
      await request(`${base}/wake/${k}`, { method: 'POST' });
      latencies.push((await polls.parked.get(k)!) - t0);
      polls.park(k);
      await new Promise((r) => setTimeout(r, 2));
    }
    const sampled = performance.now();
    return {
      ...summarize(latencies),
      repolls_while_sampling: polls.repolls.filter((t) => t >= sampling && t <= sampled).length,
    };
  } finally {
    polls.stopping = true;
    await stop(child);
  }
}

/**
 * The floor's RSS with `parkedCount` GETs parked, sampled each second for `seconds` once they
 * are (a window with their 50 s re-poll wave in it): what Node, Express, pg and ioredis hold
 * for as many parked requests as the platform's idle row, before any platform code. Started
 * with `npm start`'s V8 flags and malloc setting, as the platform is.
 */
export async function parkedFloorRss(env: BenchEnv, parkedCount: number, seconds: number) {
  const { child, base } = await startFloor(env, { asStarted: true });
  const polls = floorPolls(base);
  try {
    await polls.parkAll(parkedCount);
    const rss: number[] = [];
    for (let i = 0; i < seconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.push(rssMb(child.pid!));
    }
    return { ...rssFigures(rss), repolls: polls.repolls.length };
  } finally {
    polls.stopping = true;
    await stop(child);
  }
}
