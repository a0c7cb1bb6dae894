// The suite is a good neighbour on a shared PostgreSQL: its databases are named after
// DATABASE_URL's database, and its sweep of stale ones drops only names it makes itself.
import { randomBytes } from 'node:crypto';
import globalSetup from '../setup/global-setup';
import {
  BASE_URL,
  TEST_DB_PREFIX,
  createTestDatabase,
  dropDatabase,
  suitePrefix,
  withAdmin,
} from '../support/databases';

const exists = (name: string) =>
  withAdmin(async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  });
const create = (name: string) => withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
const hex = (n: number) => randomBytes(n).toString('hex');

describe('test databases', () => {
  it("take their prefix from DATABASE_URL's database name", async () => {
    expect(suitePrefix('postgresql://u:p@db.example:5432/My-App.dev?sslmode=disable')).toBe(
      'my_app_dev',
    );
    const own = new URL(BASE_URL).pathname.slice(1);
    const db = await createTestDatabase();
    try {
      expect(db.name.startsWith(`${own}_t_`)).toBe(true);
    } finally {
      await dropDatabase(db.name);
    }
  });

  it('are swept when stale, and nothing else is', async () => {
    const longAgo = Math.floor(Date.now() / 1000) - 2 * 3600;
    const stale = `${TEST_DB_PREFIX}${longAgo}_${hex(4)}`;
    const fresh = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${hex(4)}`;
    const lookalike = `${TEST_DB_PREFIX}${longAgo}_backup`; // shares the prefix only
    const neighbour = `other_${hex(3)}_t_${longAgo}_${hex(4)}`; // another project's suite
    const mine = [stale, fresh, lookalike, neighbour];
    for (const name of mine) await create(name);
    try {
      await globalSetup();
      expect(await exists(stale)).toBe(false);
      expect(await exists(fresh)).toBe(true);
      expect(await exists(lookalike)).toBe(true);
      expect(await exists(neighbour)).toBe(true);
    } finally {
      for (const name of mine) await dropDatabase(name);
    }
  });
});
