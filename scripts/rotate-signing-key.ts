// `npm run keys:rotate`: start a new webhook signing key. The old one keeps verifying for
// SIGNING_KEY_GRACE_HOURS; receivers should fetch GET /api/v1/bot/webhook/public-key.
import { ConfigError, loadConfig } from '../src/config';
import { createDatabase } from '../src/infra/db/prisma';
import { createLogger } from '../src/infra/logger';
import { SigningKeysService } from '../src/domain/webhooks/signing-keys';

async function main() {
  const config = loadConfig();
  const { db, sql } = createDatabase(config.DATABASE_URL, 2, createLogger(config));
  try {
    const keys = new SigningKeysService(db, config.MASTER_KEY);
    const active = await keys.rotate(config.SIGNING_KEY_GRACE_HOURS);
    console.log(`new signing key ${active.whpk}`);
    console.log(`previous keys keep verifying for ${config.SIGNING_KEY_GRACE_HOURS} h`);
  } finally {
    await db.$disconnect();
    await sql.end();
  }
}

/** DATABASE_URL as it may be shown: without its password. */
function shownUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

// One line, not a stack: the usual cause is a database that is not up or not migrated.
main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else {
    const first = (err instanceof Error ? err.message : String(err)).trim().split('\n')[0];
    const url = shownUrl(loadConfig().DATABASE_URL);
    console.error(
      `keys:rotate failed: ${first} (DATABASE_URL=${url}; is PostgreSQL up and migrated? npm run db:migrate)`,
    );
  }
  process.exit(1);
});
