// Runs once per `jest` run: build (or reuse) the migrated template database and sweep
// databases that crashed runs left behind.
import { ensureDatabase, migrate } from '../../src/infra/db/migrator';
import {
  TEMPLATE_PREFIX,
  TEST_DB_PREFIX,
  isSuiteTemplate,
  templateName,
  testDatabaseBorn,
  urlFor,
  withAdmin,
} from '../support/databases';

const STALE_AFTER_S = 3600;

export default async function globalSetup(): Promise<void> {
  const template = templateName();
  await ensureDatabase(urlFor(template));
  await migrate(urlFor(template));

  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      // starts_with, not LIKE: `_` is a LIKE wildcard. The full pattern is checked below.
      `SELECT datname FROM pg_database
        WHERE starts_with(datname, $1) OR (starts_with(datname, $2) AND datname <> $3)`,
      [TEST_DB_PREFIX, TEMPLATE_PREFIX, template],
    );
    const now = Date.now() / 1000;
    for (const { datname } of rows) {
      const born = testDatabaseBorn(datname);
      // Only names the suite makes: a database that merely shares the prefix is not ours.
      // Other templates belong to other migration sets; on a developer machine a parallel
      // run (another branch) may be using one, so only CI sweeps them.
      const stale = isSuiteTemplate(datname)
        ? Boolean(process.env.CI)
        : born !== undefined && now - born > STALE_AFTER_S;
      if (stale) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}
