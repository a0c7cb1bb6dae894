// `npm run db:migrate`: create the database if missing, then apply pending migrations.
import { ConfigError, loadConfig } from '../src/config';
import { ensureDatabase, migrate } from '../src/infra/db/migrator';

async function main() {
  const config = loadConfig();
  const created = await ensureDatabase(config.DATABASE_URL);
  if (created) console.log('created database');
  const r = await migrate(config.DATABASE_URL);
  for (const name of r.applied) console.log(`applied   ${name}`);
  for (const name of r.modifiedSinceApplied) {
    console.warn(`WARNING   ${name} was modified after it was applied (checksum differs)`);
  }
  console.log(`${r.applied.length} applied, ${r.alreadyApplied.length} already applied`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
