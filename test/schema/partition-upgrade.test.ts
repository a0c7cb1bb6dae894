// An existing deployment upgrades in place: the migration that partitions the update log and
// the event feed keeps every row (the old table becomes the "_legacy" partition, no copy),
// the result matches the schema, reads see the same log, and retention drops the legacy
// partition once its newest row is past the window.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { ensureDatabase, migrate, readMigrations } from '../../src/infra/db/migrator';
import { UpdatesRepository } from '../../src/domain/updates/updates.repository';
import { createAhead, dropExpired, listPartitions, PARTITIONED } from '../../src/worker/partitions';
import { urlFor, withAdmin } from '../support/databases';
import { compareSchema, loadDmmf } from '../support/schema-compare';

const MIGRATION = '20261130150000_partition_update_log';
const ROOT = path.resolve(__dirname, '..', '..');
const ROWS = 500;

describe('partitioning migration on a database with data', () => {
  const database = `quanta_upgrade_${randomBytes(6).toString('hex')}`;
  let pool: Pool;
  const bot = randomUUID();
  const user = randomUUID();

  beforeAll(async () => {
    await ensureDatabase(urlFor(database));
    const before = readMigrations().filter((m) => m.name !== MIGRATION);
    await migrate(urlFor(database), before);
    pool = new Pool({ connectionString: urlFor(database), max: 2 });
    await pool.query(
      `INSERT INTO users (id, username, display_name, tg_id, updated_at)
       VALUES ($1, 'upgrader', 'U', 7000000001, now())`,
      [user],
    );
    await pool.query(
      `INSERT INTO bots (id, owner_id, user_id, name, api_key_hash, updated_at)
       VALUES ($1, $2, $2, 'b', repeat('b', 64), now())`,
      [bot, user],
    );
    await pool.query(
      `INSERT INTO bot_inboxes (bot_id, last_update_id, acked_update_id) VALUES ($1, ${ROWS}, 0)`,
      [bot],
    );
    // A day of history, oldest first, the newest a minute old.
    const at = `now() - interval '1 minute' - interval '24 hours' * (1 - g / ${ROWS}.0)`;
    await pool.query(
      `INSERT INTO updates (id, bot_id, update_id, type, payload, created_at)
       SELECT gen_random_uuid(), $1, g, 'message', jsonb_build_object('n', g), ${at}
         FROM generate_series(1, ${ROWS}) g`,
      [bot],
    );
    await pool.query(
      `INSERT INTO user_events (user_id, seq, type, payload, created_at)
       SELECT $1, g, 'message.new', '{}', ${at} FROM generate_series(1, ${ROWS}) g`,
      [user],
    );
  });

  afterAll(async () => {
    await pool?.end();
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  });

  it('keeps every row, matches the schema, and retention drops the legacy partition', async () => {
    const newest = (await pool.query<{ at: Date }>('SELECT max(created_at) AS at FROM updates'))
      .rows[0]!.at;
    expect((await migrate(urlFor(database))).applied).toEqual([MIGRATION]);

    const homes = await pool.query<{ home: string; n: number }>(
      `SELECT tableoid::regclass::text AS home, count(*)::int AS n FROM updates GROUP BY 1
       UNION ALL
       SELECT tableoid::regclass::text, count(*)::int FROM user_events GROUP BY 1 ORDER BY 1`,
    );
    expect(homes.rows).toEqual([
      { home: 'updates_legacy', n: ROWS },
      { home: 'user_events_legacy', n: ROWS },
    ]);
    const legacy = (await listPartitions(pool, 'updates')).find((p) => !p.isDefault)!;
    expect(legacy).toEqual({
      name: 'updates_legacy',
      from: null,
      to: new Date(newest.getTime() + 1),
      isDefault: false,
    });

    const client = await pool.connect();
    try {
      const dmmf = loadDmmf(readFileSync(path.join(ROOT, 'prisma', 'schema.prisma'), 'utf8'));
      const partitioning = Object.fromEntries(
        Object.entries(PARTITIONED).map(([table, column]) => [table, `RANGE (${column})`]),
      );
      expect(await compareSchema(dmmf, client, partitioning)).toEqual([]);
    } finally {
      client.release();
    }

    const read = await new UpdatesRepository(pool).ackAndRead(bot, ROWS - 9, 100, null);
    expect(read.map((r) => Number(r.update_id))).toEqual(
      Array.from({ length: 10 }, (_, i) => ROWS - 9 + i),
    );

    // The worker's partitions start where the legacy one ends.
    const created = await createAhead(pool, 'updates', 6, legacy.to!);
    expect(created.length).toBeGreaterThanOrEqual(3);
    const after = await listPartitions(pool, 'updates');
    expect(after.find((p) => p.name === created[0])?.from).toEqual(legacy.to);

    // Retention's cutoff (now - the window) reaching its newest row is not enough: it stays
    // whole, old rows and all, until the cutoff reaches its end.
    const early = await dropExpired(pool, 'updates', newest);
    expect(early.dropped).toEqual([]);
    const late = await dropExpired(pool, 'updates', legacy.to!);
    expect(late.dropped).toEqual(['updates_legacy']);
    expect((await pool.query('SELECT 1 FROM updates')).rowCount).toBe(0);
  });
});
