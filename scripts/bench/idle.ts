// What parked long-polls cost while nothing happens: the api process's resident memory, and
// database transactions per second in its database (which should be none at all).
import { readFileSync } from 'node:fs';
import type { Client } from 'pg';
import { withAdminClient } from '../../src/infra/db/migrator';

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
  const db = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  return withAdminClient(databaseUrl, async (admin) => {
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
  });
}

/** Maximum (`rss_mb`), median and minimum of RSS samples taken each second. */
export function rssFigures(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    rss_mb: sorted[sorted.length - 1]!,
    rss_mb_median: sorted[Math.floor(sorted.length / 2)]!,
    rss_mb_min: sorted[0]!,
  };
}

/**
 * An idle window of `seconds` with every poll parked: the api's RSS right away (the burst's
 * garbage not yet collected) and sampled each second, and the transactions per second in its
 * database (idleTransactionsPerSecond, which also waits for the counters to settle).
 */
export async function idleWindow(pid: number, databaseUrl: string, seconds: number) {
  const afterBurst = rssMb(pid);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(pid)), 1000);
  try {
    const tx = await idleTransactionsPerSecond(databaseUrl, seconds);
    return {
      rss_mb_after_burst: afterBurst,
      ...rssFigures(samples),
      /** How long RSS was sampled (the parked floor's RSS is sampled as long). */
      rss_window_s: samples.length,
      idle_tx_per_s: tx,
    };
  } finally {
    clearInterval(sampler);
  }
}
