// The hot path's named prepared statements behind PgBouncer (>= 1.21) in transaction mode,
// with fewer server connections than the platform's pool holds clients: PgBouncer prepares
// each statement on whichever server connection it hands out. Partitions are created and
// dropped through the pooler mid-run (the servers' cached plans of those statements are
// invalidated and made again). Skipped, saying so, without a PgBouncer binary: set PGBOUNCER.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { Client } from 'pg';
import type { Platform } from '../../src/platform';
import { createPartitionsAhead } from '../../src/worker/maintenance';
import { createAhead, PARTITIONED_TABLES } from '../../src/worker/partitions';
import { purgeExpired } from '../../src/worker/retention';
import { bearer, botAuth, say, userBotChat } from '../support/fixtures';
import { createTestEnv, platformFor, type Env } from '../support/platform';
import { freePort, waitFor } from '../support/processes';

const BINARY = process.env.PGBOUNCER ?? 'pgbouncer';
const version = /PgBouncer (\d+)\.(\d+)/.exec(
  spawnSync(BINARY, ['--version'], { encoding: 'utf8' }).stdout ?? '',
);
const supported = version !== null && (Number(version[1]) > 1 || Number(version[2]) >= 21);
const SKIPPED = ' (SKIPPED: needs PgBouncer >= 1.21 on PATH or in PGBOUNCER)';
const SERVER_CONNECTIONS = 2;
const MESSAGES = 60;

let dir: string;
let bouncer: ChildProcess | undefined;
let port: number;
let drop: (() => Promise<void>) | undefined;
let platform: Platform | undefined;
let http: ReturnType<typeof supertest>;
let database: string;
let bouncerLog = '';

beforeAll(async () => {
  if (!supported) return;
  const test = await createTestEnv();
  drop = test.drop;
  database = new URL(test.env.DATABASE_URL!).pathname.slice(1);
  dir = mkdtempSync(path.join(tmpdir(), 'pgbouncer-'));
  port = await freePort();
  writeFileSync(path.join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=127.0.0.1 port=5432 dbname=${database}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'admin_users = postgres',
      'pool_mode = transaction',
      'max_prepared_statements = 200',
      `default_pool_size = ${SERVER_CONNECTIONS}`,
      // node-postgres sends the statement timeout at startup; PgBouncer must let it pass.
      'ignore_startup_parameters = statement_timeout',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; -u drops to an unprivileged user, who must read the files.
  chmodSync(dir, 0o755);
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  bouncer = spawn(BINARY, [...asUser, path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  bouncer.stderr!.on('data', (b: Buffer) => (bouncerLog += b.toString()));
  await waitFor(async () => {
    const c = new Client({ connectionString: pooled('pgbouncer') });
    try {
      await c.connect();
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }, 10_000).catch((err: Error) => {
    throw new Error(`PgBouncer did not start: ${err.message}\n${bouncerLog}`);
  });
  const env: Env = { ...test.env, DATABASE_URL: pooled(database), DATABASE_POOL_SIZE: '8' };
  platform = platformFor(env);
  http = supertest(platform.api);
}, 30_000);

afterAll(async () => {
  await platform?.stop();
  bouncer?.kill('SIGTERM');
  await drop?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function pooled(db: string): string {
  return `postgresql://postgres@127.0.0.1:${port}/${db}`;
}

/** PgBouncer's admin console (simple protocol only). */
async function admin<R>(sql: string): Promise<R[]> {
  const c = new Client({ connectionString: pooled('pgbouncer') });
  await c.connect();
  try {
    return (await c.query(sql)).rows as R[];
  } finally {
    await c.end();
  }
}

(supported ? it : it.skip)(
  `transaction mode: sends, reads, the feed and partition changes over ${SERVER_CONNECTIONS} server connections${supported ? '' : SKIPPED}`,
  async () => {
    const p = platform!;
    const { user, bot, chatId } = await userBotChat(http);
    expect(await createPartitionsAhead(p)).toHaveLength(6);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      sends.push(say(http, user, chatId, `m${i}`));
      if (i === MESSAGES / 2) {
        // Mid-run DDL on both tables: a partition a day back, made and then dropped.
        for (const table of PARTITIONED_TABLES) {
          await createAhead(p.sql, table, 6, new Date(Date.now() - 48 * 3_600_000));
        }
        const purged = await purgeExpired(p, 24);
        expect(purged.droppedPartitions).toHaveLength(6);
      }
      if (sends.length >= 8) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);

    const got: string[] = [];
    let offset = 0;
    while (got.length < MESSAGES) {
      const r = await http
        .get(`/api/v1/bot/updates?timeout=0&offset=${offset}&limit=7`)
        .set(botAuth(bot))
        .expect(200);
      const updates = r.body.updates as { update_id: number; payload: { content: string } }[];
      expect(updates.length).toBeGreaterThan(0);
      got.push(...updates.map((u) => u.payload.content));
      offset = updates.at(-1)!.update_id + 1;
    }
    // Sent eight at a time, so in any order among themselves; each exactly once.
    expect(got.sort()).toEqual([...Array(MESSAGES).keys()].map((i) => `m${i}`).sort());
    const feed = await http.get('/api/v1/events?after=0&timeout=0').set(bearer(user)).expect(200);
    expect(feed.body.events.length).toBeGreaterThan(0);

    const [stats] = (await admin<Record<string, string>>('SHOW STATS')).filter(
      (s) => s.database === database,
    );
    const servers = (await admin<{ database: string }>('SHOW SERVERS')).filter(
      (s) => s.database === database,
    );
    const figures = {
      serverConnections: servers.length,
      clientParses: Number(stats!.total_client_parse_count),
      serverParses: Number(stats!.total_server_parse_count),
      binds: Number(stats!.total_bind_count),
    };
    console.log(`${version![0]} transaction mode: ${JSON.stringify(figures)}`);
    expect(figures.serverConnections).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    // Prepared once per server connection (and again after a plan invalidation at most), then
    // only bound: far fewer parses reach Postgres than executions.
    expect(figures.serverParses).toBeGreaterThan(0);
    expect(figures.binds).toBeGreaterThan(figures.serverParses * 2);
  },
  120_000,
);
