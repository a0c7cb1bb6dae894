// `npm run bench`: builds the server, starts its own platform processes against real
// Postgres and Redis, runs each benchmark, prints a table and writes bench-results.json.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { createBenchEnv, startServer } from './env';
import { wakeLatency } from './wake-latency';

interface Row {
  bench: string;
  figures: Record<string, number | string>;
  target: string;
  met: boolean;
}

async function withServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const env = await createBenchEnv();
  const server = await startServer(env.env);
  try {
    return await fn(server.url);
  } finally {
    await server.stop();
    await env.dispose();
  }
}

async function main() {
  const only = process.argv.slice(2);
  const wants = (name: string) => only.length === 0 || only.includes(name);
  execSync('npm run build', { cwd: PROJECT_ROOT, stdio: 'ignore' });
  const rows: Row[] = [];

  if (wants('wake')) {
    const r = await withServer((url) => wakeLatency(url, 1000, 500));
    rows.push({
      bench: 'wake latency, 1,000 parked long-polls (ms)',
      figures: r,
      target: 'p50 ≤ 5, p99 ≤ 25',
      met: r.p50 <= 5 && r.p99 <= 25,
    });
  }

  console.log('\nbenchmark'.padEnd(52) + 'figures'.padEnd(60) + 'target');
  for (const r of rows) {
    const figs = Object.entries(r.figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`${r.met ? '✔' : '✘'} ${r.bench.padEnd(50)}${figs.padEnd(60)}${r.target}`);
  }
  const out = path.join(PROJECT_ROOT, 'bench-results.json');
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
  console.log(`\nwritten ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
