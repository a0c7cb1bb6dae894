// Server CPU per read of 100 pending updates, through both dialects (Quanta GET /updates and
// the gateway's getUpdates), from /proc: steadier than wall time on a shared machine. One
// built server (npm run build, or `--root` another tree's built dist/), reads one at a time.
// Usage: tsx scripts/bench/read-cpu.ts [--root DIR] [--rounds 3] [--reads 1000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { call, makeFixture, must } from './client';
import { createBenchEnv } from './env';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: PROJECT_ROOT },
    rounds: { type: 'string', default: '3' },
    reads: { type: 'string', default: '1000' },
  },
});
const rounds = Number(values.rounds);
const reads = Number(values.reads);

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main() {
  const env = await createBenchEnv();
  const port = 19100 + Math.floor(Math.random() * 400) * 2;
  const child = spawn(
    process.execPath,
    // BENCH_NODE_FLAGS as in env.ts, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    [
      '--max-semi-space-size=4',
      ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      path.join(values.root, 'dist/src/main.js'),
    ],
    {
      env: {
        ...process.env,
        ...env.env,
        ROLE: 'api',
        PORT: String(port),
        GATEWAY_PORT: String(port + 1),
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error('server did not become ready');
      const ok = await fetch(`${base}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const fx = await makeFixture(base, 1);
    const bot = fx.bots[0]!;
    const auth = { authorization: `Bearer ${fx.user.token}` };
    for (let i = 0; i < 100; i++) {
      await must(`${base}/api/v1/chats/${bot.chatId}/messages`, {
        headers: auth,
        body: { content: `pending ${i}` },
      });
    }
    // A poll answered 409 (it heard the previous poll's takeover as a newer one) still counts.
    const conflicts = { quanta: 0, gateway: 0 };
    const readers = {
      quanta: async () => {
        const r = await call<{ updates?: unknown[] }>(
          `${base}/api/v1/bot/updates?offset=1&timeout=0&limit=100`,
          { headers: { 'x-bot-token': bot.apiKey } },
        );
        if (r.status === 409) conflicts.quanta++;
        else if (r.body.updates?.length !== 100) throw new Error(`quanta: ${r.status}`);
      },
      gateway: async () => {
        const r = await call<{ result?: unknown[] }>(
          `http://127.0.0.1:${port + 1}/getUpdates?offset=1&timeout=0&limit=100`,
          { headers: { authorization: `Bearer ${bot.apiKey}` } },
        );
        if (r.status === 409) conflicts.gateway++;
        else if (r.body.result?.length !== 100) throw new Error(`gateway: ${r.status}`);
      },
    };
    const figures: Record<string, number[]> = { quanta: [], gateway: [] };
    for (const read of Object.values(readers)) for (let i = 0; i < 100; i++) await read();
    for (let round = 0; round < rounds; round++) {
      for (const [name, read] of Object.entries(readers)) {
        const before = cpuMs(child.pid!);
        for (let i = 0; i < reads; i++) await read();
        figures[name]!.push(cpuMs(child.pid!) - before);
      }
    }
    for (const [name, ms] of Object.entries(figures)) {
      const per = ms.map((t) => (t / reads).toFixed(3));
      console.log(`${name}: server CPU ms per 100-update read, by round: ${per.join(' ')}`);
      console.log(`${name}: answered 409: ${conflicts[name as keyof typeof conflicts]}`);
    }
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    await env.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
