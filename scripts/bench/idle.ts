// What parked long-polls cost while nothing happens: the api process's resident memory, and
// database transactions per second in its database (which should be none at all).
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

async function commits(admin: Client, db: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
    [db],
  );
  return Number(rows[0]?.n ?? NaN);
}

/** Transactions/s in `databaseUrl`'s database over `seconds`, watched from another database. */
export async function idleTransactionsPerSecond(
  databaseUrl: string,
  seconds: number,
): Promise<number> {
  const url = new URL(databaseUrl);
  const db = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    // Parking 10,000 polls takes a while (each reads the log once before it waits), and a
    // poll that parked before its channel's subscription was confirmed reads once more when
    // it re-polls (50 s later). A backend publishes its counters when it goes idle at most
    // once a second, else up to 10 s later (PGSTAT_IDLE_INTERVAL): so start measuring once
    // they have been still for 12 s in a row (or after 150 s), and read them again 11 s
    // after the window.
    let last = await commits(admin, db);
    for (let still = 0, waited = 0; still < 12 && waited < 150; waited++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await commits(admin, db);
      still = now === last ? still + 1 : 0;
      last = now;
    }
    const before = await commits(admin, db);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await new Promise((r) => setTimeout(r, 11000));
    const after = await commits(admin, db);
    return Math.round(((after - before) / seconds) * 100) / 100;
  } finally {
    await admin.end();
  }
}
