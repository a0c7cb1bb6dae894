// The bench's own platform: a fresh database, a private Redis prefix, and platform
// processes started from the built server (what `npm start` runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { ensureDatabase, migrate, withAdminClient } from '../../src/infra/db/migrator';
import { PROJECT_ROOT } from '../../src/infra/paths';

const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/quanta';

export interface BenchEnv {
  env: Record<string, string>;
  databaseUrl: string;
  dispose(): Promise<void>;
}

function dbUrl(name: string): string {
  const u = new URL(BASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** `quanta_bench_<unix seconds>_<8 hex>`: a run killed mid-way leaves one behind. */
const BENCH_DB = /^quanta_bench_(\d{10})_[0-9a-f]{8}$/;
/** Older than any bench run: left by a killed one (a run in progress is younger). */
const STALE_AFTER_S = 3600;

/** Drops bench databases that killed runs left behind (a normal exit drops its own). */
async function sweepStaleBenchDatabases(admin: Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE starts_with(datname, 'quanta_bench_')`,
  );
  const now = Date.now() / 1000;
  for (const { datname } of rows) {
    const born = BENCH_DB.exec(datname)?.[1];
    if (born && now - Number(born) > STALE_AFTER_S) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
}

export async function createBenchEnv(extra: Record<string, string> = {}): Promise<BenchEnv> {
  await withAdminClient(BASE_URL, sweepStaleBenchDatabases);
  const born = Math.floor(Date.now() / 1000);
  const name = `quanta_bench_${born}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = dbUrl(name);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // The benches measure the platform's capacity, not the per-bot quota (30 req/s).
    RATE_LIMIT_PER_BOT: '0',
    // ...nor one person's write quota: the bench's one user sends hundreds of messages.
    USER_WRITES_PER_MINUTE: '0',
    // One owner registers every bench bot (up to 10,000).
    MAX_BOTS_PER_OWNER: '100000',
    // Fixtures register users 20 at a time from one address.
    REGISTRATIONS_PER_IP_PER_HOUR: '0',
    PASSWORD_HASH_PER_CLIENT: '64',
    PASSWORD_HASH_QUEUE: '64',
    ...extra,
  };
  return {
    env,
    databaseUrl,
    async dispose() {
      await withAdminClient(BASE_URL, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  gatewayPort: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * What `npm start` gives the server, read from package.json's `start` script (`KEY=VALUE …
 * node <flags> dist/src/main.js`): the V8 flags and the environment (glibc's malloc).
 */
function startScript(): { flags: string[]; env: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/).filter(Boolean);
  const node = words.indexOf('node');
  const main = words.indexOf('dist/src/main.js');
  if (node < 0 || main < node)
    throw new Error('package.json start: expected `node … dist/src/main.js`');
  const env = Object.fromEntries(words.slice(0, node).map((w) => w.split('=') as [string, string]));
  return { flags: words.slice(node + 1, main), env };
}

const started = startScript();
export const START_FLAGS = started.flags;
export const START_ENV = started.env;

let nextPort = 18100 + Math.floor(Math.random() * 500) * 2;

/** BENCH_NODE_FLAGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (Node refuses those in NODE_OPTIONS). */
const profilingFlags = () => process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];

/** `child` is sent SIGTERM should this process exit first (a bench that dies): not left running. */
export function reapOnExit(child: ChildProcess): void {
  const reap = () => child.kill('SIGTERM');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
}

/** Start `node dist/src/main.js` of `root` (a built tree) with the given role, once ready. */
export async function startServer(
  env: Record<string, string>,
  role: 'all' | 'api' | 'worker' = 'all',
  root = PROJECT_ROOT,
): Promise<ServerProcess> {
  const port = nextPort++;
  const gatewayPort = nextPort++;
  // The V8 flags of `npm start` (package.json), so the benches measure what production runs.
  const child = spawn(
    process.execPath,
    [...START_FLAGS, ...profilingFlags(), path.join(root, 'dist/src/main.js')],
    {
      env: {
        ...START_ENV,
        ...process.env,
        ...env,
        ROLE: role,
        PORT: String(port),
        GATEWAY_PORT: String(gatewayPort),
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  // A bench that dies (an uncaught error) must not leave its server holding 10,000 sockets.
  reapOnExit(child);
  const url = `http://127.0.0.1:${port}`;
  if (role !== 'worker') await waitReady(url, child);
  return {
    child,
    port,
    gatewayPort,
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/ready`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}
