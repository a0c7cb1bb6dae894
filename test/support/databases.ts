// Template-database-per-run, database-per-test-file: the migrated template is built once
// (global setup) and each test file gets a cheap `CREATE DATABASE ... TEMPLATE` copy.
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { readMigrations, withAdminClient } from '../../src/infra/db/migrator';

export const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/quanta';

export function urlFor(database: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Every database the suite makes is named after DATABASE_URL's database (`quanta` →
 * `quanta_t_…`, `quanta_tpl_…`), so two projects or checkouts sharing one server each keep
 * to their own names. Lower-cased, only [a-z0-9_], short enough for Postgres' 63 characters.
 */
export function suitePrefix(url = BASE_URL): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 32);
}

export const TEST_DB_PREFIX = `${suitePrefix()}_t_`;
export const TEMPLATE_PREFIX = `${suitePrefix()}_tpl_`;

// The names the suite makes: `<prefix>_t_<unix seconds>_<8 hex>`, `<prefix>_tpl_<16 hex>`
// (the prefix holds no regex metacharacters).
const TEST_DB = new RegExp(`^${TEST_DB_PREFIX}(\\d{10})_[0-9a-f]{8}$`);
const TEMPLATE_DB = new RegExp(`^${TEMPLATE_PREFIX}[0-9a-f]{16}$`);

/** When the suite made `name` (unix seconds), if it is a test file's database; else undefined. */
export function testDatabaseBorn(name: string): number | undefined {
  const m = TEST_DB.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Whether `name` is one of the suite's template databases. */
export const isSuiteTemplate = (name: string) => TEMPLATE_DB.test(name);

/** Named after the migrations it holds, so a changed migration builds a new template. */
export function templateName(): string {
  const h = createHash('sha256');
  for (const m of readMigrations()) h.update(m.name).update(m.checksum);
  return `${TEMPLATE_PREFIX}${h.digest('hex').slice(0, 16)}`;
}

export const withAdmin = <T>(fn: (c: Client) => Promise<T>): Promise<T> =>
  withAdminClient(BASE_URL, fn);

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (c) => {
    // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template; the
    // only connections to it are other workers' copies in flight, so retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return { name, url: urlFor(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
