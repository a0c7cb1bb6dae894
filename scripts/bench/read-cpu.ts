// Server CPU per read of 100 pending updates, through both dialects (Quanta GET /updates and
// the gateway's getUpdates), from /proc: steadier than wall time on a shared machine. One
// built server (npm run build, or `--root` another tree's built dist/), reads one at a time.
// Postgres CPU is that of the backends connected to the run's own database only (other work
// on a shared machine's Postgres is not counted).
// Usage: tsx scripts/bench/read-cpu.ts [--root DIR] [--rounds 3] [--reads 1000]
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { call } from './client';
import { cpuSeconds } from './cpu';
import { createBenchEnv, startServer } from './env';
import { botWith100Pending } from './throughput';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: PROJECT_ROOT },
    rounds: { type: 'string', default: '3' },
    reads: { type: 'string', default: '1000' },
  },
});
const rounds = Number(values.rounds);
const reads = Number(values.reads);

async function main() {
  const env = await createBenchEnv();
  // The flags and environment of `npm start`, plus BENCH_NODE_FLAGS (e.g. a CPU profile).
  const server = await startServer(env.env, 'api', values.root);
  const base = server.url;
  const cpuMs = () => cpuSeconds(server.child.pid!) * 1000;
  const admin = new Client({ connectionString: env.databaseUrl });
  await admin.connect();
  /** CPU ms of each Postgres backend serving this run's database (not this one), by pid. */
  const postgresMs = async () => {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid) * 1000]));
  };
  /** What the backends spent since `before` (a backend born since counts whole). */
  const postgresSince = async (before: Map<number, number>) => {
    let sum = 0;
    for (const [pid, ms] of await postgresMs()) sum += ms - (before.get(pid) ?? 0);
    return sum;
  };
  try {
    const bot = await botWith100Pending(base);
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
          `http://127.0.0.1:${server.gatewayPort}/getUpdates?offset=1&timeout=0&limit=100`,
          { headers: { authorization: `Bearer ${bot.apiKey}` } },
        );
        if (r.status === 409) conflicts.gateway++;
        else if (r.body.result?.length !== 100) throw new Error(`gateway: ${r.status}`);
      },
    };
    const figures: Record<string, number[]> = { quanta: [], gateway: [] };
    const pgFigures: Record<string, number[]> = { quanta: [], gateway: [] };
    for (const read of Object.values(readers)) for (let i = 0; i < 100; i++) await read();
    for (let round = 0; round < rounds; round++) {
      for (const [name, read] of Object.entries(readers)) {
        const [before, pgBefore] = [cpuMs(), await postgresMs()];
        for (let i = 0; i < reads; i++) await read();
        figures[name]!.push(cpuMs() - before);
        pgFigures[name]!.push(await postgresSince(pgBefore));
      }
    }
    for (const [name, ms] of Object.entries(figures)) {
      const per = ms.map((t) => (t / reads).toFixed(3));
      console.log(`${name}: server CPU ms per 100-update read, by round: ${per.join(' ')}`);
      const pg = pgFigures[name]!.map((t) => (t / reads).toFixed(3));
      console.log(`${name}: Postgres CPU ms per read (its backends), by round: ${pg.join(' ')}`);
      console.log(`${name}: answered 409: ${conflicts[name as keyof typeof conflicts]}`);
    }
  } finally {
    await admin.end();
    await server.stop();
    await env.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
