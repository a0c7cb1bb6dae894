// Proves the hand-written migrations build exactly the database prisma/schema.prisma
// describes. `prisma migrate diff` would do this, but its native schema engine cannot be
// downloaded here, so the schema side is read with Prisma's Wasm parser and compared with
// pg_catalog (test/support/schema-compare.ts). Self-contained: it makes and drops its own
// databases rather than relying on the shared global setup.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { ensureDatabase, migrate } from '../../src/infra/db/migrator';
import { createAhead, PARTITIONED, PARTITIONED_TABLES } from '../../src/worker/partitions';
import { compareSchema, loadDmmf, MIGRATIONS_TABLE, readDatabase } from '../support/schema-compare';

const ROOT = path.resolve(__dirname, '..', '..');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/quanta';

/** What Prisma cannot declare: the tables the worker maintains partitions of, by their key. */
const PARTITIONING = Object.fromEntries(
  Object.entries(PARTITIONED).map(([table, column]) => [table, `RANGE (${column})`]),
);

/** The configured server, with the database name swapped. */
function urlFor(database: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function connect(database: string): Promise<Client> {
  const client = new Client({ connectionString: urlFor(database) });
  await client.connect();
  return client;
}

async function dropDatabases(names: string[]): Promise<void> {
  const admin = await connect('postgres');
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Migration directories as `prisma migrate` sees them, with its checksum (sha256 hex). */
function migrationsOnDisk(): { name: string; checksum: string }[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && existsSync(path.join(MIGRATIONS_DIR, d.name, 'migration.sql')),
    )
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'));
      return { name, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Deliberate drift, one per kind of check, each with the start of the line compareSchema
 * must report for it. Applied to a copy of the migrated database.
 */
const BREAKAGES: { sql: string; reported: string }[] = [
  {
    sql: 'ALTER TABLE users ALTER COLUMN display_name TYPE text',
    reported: 'users.display_name: type is text, expected character varying(64)',
  },
  {
    sql: 'ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL',
    reported: 'users.password_hash: is NOT NULL',
  },
  { sql: 'ALTER TABLE users ADD COLUMN nickname text', reported: 'users.nickname: column not in' },
  {
    sql: `ALTER TABLE bots ALTER COLUMN description SET DEFAULT 'none'`,
    reported: 'bots.description: DEFAULT is',
  },
  {
    sql: `ALTER TABLE bots ALTER COLUMN permissions SET DEFAULT ARRAY['read_messages']`,
    reported: 'bots.permissions: DEFAULT is',
  },
  {
    sql: `ALTER TABLE messages ALTER COLUMN payload SET DEFAULT '[]'`,
    reported: 'messages.payload: DEFAULT is',
  },
  {
    sql: 'ALTER TABLE bots ALTER COLUMN is_active DROP DEFAULT',
    reported: 'bots.is_active: DEFAULT is missing',
  },
  {
    sql: 'ALTER TABLE users ALTER COLUMN updated_at SET DEFAULT now()',
    reported: 'users.updated_at: has DEFAULT now()',
  },
  { sql: 'CREATE TABLE audit (id integer)', reported: 'table audit: not in the schema' },
  { sql: `ALTER TYPE chat_type ADD VALUE 'channel'`, reported: 'enum chat_type: values are' },
  { sql: 'DROP INDEX bots_owner_id_idx', reported: 'index bots_owner_id_idx: missing' },
  {
    sql: 'CREATE INDEX messages_content_idx ON messages (content)',
    reported: 'index messages_content_idx: not in the schema',
  },
  {
    sql: 'CREATE INDEX updates_default_type_idx ON updates_default (type)',
    reported:
      'index updates_default_type_idx: not in the schema (INDEX updates USING btree (type) on one partition only)',
  },
  { sql: 'DROP TABLE user_events_default', reported: 'table user_events: no default partition' },
  {
    sql: `ALTER TABLE chats DROP CONSTRAINT chats_created_by_id_fkey,
          ADD CONSTRAINT chats_created_by_id_fkey FOREIGN KEY (created_by_id)
          REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE`,
    reported: 'foreign key chats_created_by_id_fkey: is',
  },
];

describe('migrated database vs prisma/schema.prisma', () => {
  const dmmf = loadDmmf(readFileSync(path.join(ROOT, 'prisma', 'schema.prisma'), 'utf8'));
  const database = `quanta_drift_${randomBytes(6).toString('hex')}`;
  const brokenCopy = `${database}_broken`;
  let client: Client | undefined;

  beforeAll(async () => {
    await ensureDatabase(urlFor(database));
    await migrate(urlFor(database));
    // Partitions as the worker makes them: theirs are not tables, indexes or keys of the schema.
    const pool = new Pool({ connectionString: urlFor(database), max: 1 });
    try {
      for (const table of PARTITIONED_TABLES) await createAhead(pool, table, 6);
    } finally {
      await pool.end();
    }
    // Copy before anything connects: CREATE DATABASE ... TEMPLATE needs an idle source.
    await ensureDatabase(urlFor(brokenCopy), database);
    client = await connect(database);
  });

  afterAll(async () => {
    await client?.end();
    await dropDatabases([database, brokenCopy]);
  });

  it('has exactly the tables, columns, enums, indexes and foreign keys of the schema', async () => {
    expect(await compareSchema(dmmf, client!, PARTITIONING)).toEqual([]);
  });

  it('keeps the migrations table Prisma-compatible and re-running migrate is a no-op', async () => {
    const db = await readDatabase(client!);
    const columns = db.columns
      .filter((c) => c.table === MIGRATIONS_TABLE)
      .map((c) => [c.column, c.type, c.notNull, c.default]);
    // Exactly what Prisma's schema engine creates, so `prisma migrate deploy` can take over.
    expect(columns).toEqual([
      ['id', 'character varying(36)', true, null],
      ['checksum', 'character varying(64)', true, null],
      ['finished_at', 'timestamp with time zone', false, null],
      ['migration_name', 'character varying(255)', true, null],
      ['logs', 'text', false, null],
      ['rolled_back_at', 'timestamp with time zone', false, null],
      ['started_at', 'timestamp with time zone', true, 'now()'],
      ['applied_steps_count', 'integer', true, '0'],
    ]);
    expect(db.indexes.filter((i) => i.table === MIGRATIONS_TABLE)).toEqual([
      expect.objectContaining({ name: '_prisma_migrations_pkey', columns: ['id'], primary: true }),
    ]);

    const { rows } = await client!.query(
      `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished,
              rolled_back_at IS NULL AS "notRolledBack", applied_steps_count AS steps
         FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const onDisk = migrationsOnDisk();
    expect(onDisk.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      onDisk.map((m) => ({ ...m, finished: true, notRolledBack: true, steps: 1 })),
    );

    const again = await migrate(urlFor(database));
    expect(again).toEqual({
      applied: [],
      alreadyApplied: onDisk.map((m) => m.name),
      modifiedSinceApplied: [],
    });
  });

  it('reports every kind of drift (checked against a deliberately broken copy)', async () => {
    const broken = await connect(brokenCopy);
    try {
      for (const { sql } of BREAKAGES) await broken.query(sql);
      const mismatches = await compareSchema(dmmf, broken, PARTITIONING);
      const unreported = BREAKAGES.filter((b) => !mismatches.some((m) => m.startsWith(b.reported)));
      expect(unreported).toEqual([]);
      // One line per breakage: no noise that would bury a real difference.
      expect(mismatches).toHaveLength(BREAKAGES.length);
    } finally {
      await broken.end();
    }
  });
});
