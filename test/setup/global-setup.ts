// Runs once per `jest` run: build (or reuse) the migrated template database and sweep
// databases that crashed runs left behind.
import { ensureDatabase, migrate } from '../../src/infra/db/migrator';
import { TEST_DB_PREFIX, templateName, urlFor, withAdmin } from '../support/databases';

const STALE_AFTER_S = 3600;

export default async function globalSetup(): Promise<void> {
  const template = templateName();
  await ensureDatabase(urlFor(template));
  await migrate(urlFor(template));

  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      // starts_with, not LIKE: `_` is a LIKE wildcard and would match the template too.
      `SELECT datname FROM pg_database
        WHERE starts_with(datname, $1) OR (starts_with(datname, 'quanta_tpl_') AND datname <> $2)`,
      [TEST_DB_PREFIX, template],
    );
    const now = Date.now() / 1000;
    for (const { datname } of rows) {
      const born = Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]);
      // Other templates belong to other migration sets; on a developer machine a parallel
      // run (another branch) may be using one, so only CI sweeps them.
      const stale = datname.startsWith('quanta_tpl_')
        ? Boolean(process.env.CI)
        : now - born > STALE_AFTER_S;
      if (stale) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}
