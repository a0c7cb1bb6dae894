// Time partitions of the update log and the event feed: the worker creates them ahead of the
// clock, and retention drops a whole partition once every row it can hold is past the window.
// The default partition catches any row no partition covers, so a write never fails for want
// of one; creating the partition for such a row moves it out of the default.
import type { PoolClient } from 'pg';
import type { Sql } from '../infra/db/prisma';
import { withTransaction } from '../infra/db/statement';

/** The partitioned tables and their partition key (made so by the migration). */
export const PARTITIONED = { updates: 'created_at', user_events: 'created_at' } as const;
export type PartitionedTable = keyof typeof PARTITIONED;
export const PARTITIONED_TABLES = Object.keys(PARTITIONED) as PartitionedTable[];

const HOUR_MS = 3_600_000;
/** Divisors of a day: every day's partitions start at the same UTC hours. */
const WIDTHS_HOURS = [1, 2, 3, 4, 6, 8, 12, 24];
/** Partitions kept ready after the current one. */
const AHEAD = 2;
// DDL waits at most this long for the hot path's locks and otherwise gives up until the next
// run: a queued ACCESS EXCLUSIVE request would stall every read of the table behind it.
const LOCK_TIMEOUT = '2s';
// Serialises partition changes across worker processes (a constant of our own).
const ADVISORY_KEY = 718_295_001;

/**
 * A quarter of the retention window (rounded down to a divisor of a day, at most a day): a row
 * outlives the window by at most one partition, and a read scans about six of them.
 */
export function partitionHours(retentionHours: number): number {
  return WIDTHS_HOURS.filter((w) => w <= retentionHours / 4).at(-1) ?? 1;
}

export interface Partition {
  name: string;
  /** Inclusive; null for MINVALUE (and the default partition). */
  from: Date | null;
  /** Exclusive; null for MAXVALUE (and the default partition). */
  to: Date | null;
  isDefault: boolean;
}

interface PartitionRow {
  name: string;
  is_default: boolean;
  from: Date | null;
  to: Date | null;
}

// Bounds come back as the text of the partition definition; Postgres parses them back into
// timestamptz (in the session's own time zone, so the round trip is exact).
const LIST_SQL = `
SELECT c.relname AS name, b.bound = 'DEFAULT' AS is_default,
       CASE WHEN b.m[1] LIKE '''%' THEN btrim(b.m[1], '''')::timestamptz END AS "from",
       CASE WHEN b.m[2] LIKE '''%' THEN btrim(b.m[2], '''')::timestamptz END AS "to"
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  CROSS JOIN LATERAL (
    SELECT pg_get_expr(c.relpartbound, c.oid) AS bound,
           regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\((.*)\\) TO \\((.*)\\)') AS m
  ) b
 WHERE i.inhparent = $1::regclass
 ORDER BY 3 NULLS FIRST`;

export async function listPartitions(
  db: Sql | PoolClient,
  table: PartitionedTable,
): Promise<Partition[]> {
  const { rows } = await db.query<PartitionRow>(LIST_SQL, [table]);
  return rows.map((r) => ({ name: r.name, from: r.from, to: r.to, isDefault: r.is_default }));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `updates_p20261129_0600`: the table and the UTC start of the range. */
export function partitionName(table: PartitionedTable, from: Date): string {
  const d = from;
  const day = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  return `${table}_p${day}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
}

export interface Range {
  from: Date;
  to: Date;
}

/**
 * What no partition covers of the slots [start, start + width), … up to `end`, cut around the
 * existing ranges (they may have another width, or be the migration's open-ended one).
 */
export function missingRanges(
  existing: Partition[],
  start: Date,
  end: Date,
  widthMs: number,
): Range[] {
  const covered = existing
    .filter((p) => !p.isDefault)
    .map((p) => ({ from: p.from?.getTime() ?? -Infinity, to: p.to?.getTime() ?? Infinity }));
  const out: Range[] = [];
  for (let slot = start.getTime(); slot < end.getTime(); slot += widthMs) {
    let at = slot;
    const slotEnd = slot + widthMs;
    while (at < slotEnd) {
      const inside = covered.find((c) => c.from <= at && at < c.to);
      if (inside) {
        at = inside.to;
        continue;
      }
      const next = Math.min(slotEnd, ...covered.filter((c) => c.from > at).map((c) => c.from));
      out.push({ from: new Date(at), to: new Date(next) });
      at = next;
    }
  }
  return out;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** BEGIN; bounded lock waits; one maintainer at a time; `fn`; COMMIT. */
function maintaining<T>(sql: Sql, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(sql, async (client) => {
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_KEY]);
    return fn(client);
  });
}

/**
 * Attach a partition for `range`, moving into it any rows the default partition took for it.
 * The default is locked first, so no row for the range can land there in between.
 */
async function createPartition(
  client: PoolClient,
  table: PartitionedTable,
  fallback: Partition | undefined,
  range: Range,
): Promise<string> {
  const name = partitionName(table, range.from);
  const key = PARTITIONED[table];
  await client.query(`CREATE TABLE ${quoted(name)} (LIKE ${quoted(table)} INCLUDING DEFAULTS)`);
  if (fallback) {
    await client.query(`LOCK TABLE ${quoted(fallback.name)} IN ACCESS EXCLUSIVE MODE`);
    await client.query(
      `WITH moved AS (
         DELETE FROM ${quoted(fallback.name)} WHERE ${key} >= $1 AND ${key} < $2 RETURNING *
       ) INSERT INTO ${quoted(name)} SELECT * FROM moved`,
      [range.from, range.to],
    );
  }
  // ATTACH (unlike CREATE … PARTITION OF) leaves reads and writes of the parent running.
  await client.query(
    `ALTER TABLE ${quoted(table)} ATTACH PARTITION ${quoted(name)}
       FOR VALUES FROM ('${range.from.toISOString()}') TO ('${range.to.toISOString()}')`,
  );
  return name;
}

/**
 * Make sure partitions cover `table` from the start of the current slot through `AHEAD` more
 * slots of `widthHours`; returns the partitions it created.
 */
export function createAhead(
  sql: Sql,
  table: PartitionedTable,
  widthHours: number,
  now = new Date(),
): Promise<string[]> {
  const widthMs = widthHours * HOUR_MS;
  const start = new Date(Math.floor(now.getTime() / widthMs) * widthMs);
  const end = new Date(start.getTime() + (AHEAD + 1) * widthMs);
  return maintaining(sql, async (client) => {
    const existing = await listPartitions(client, table);
    const fallback = existing.find((p) => p.isDefault);
    const created: string[] = [];
    for (const range of missingRanges(existing, start, end, widthMs)) {
      created.push(await createPartition(client, table, fallback, range));
    }
    return created;
  });
}

export interface Expired {
  /** Partitions dropped whole: every row they can hold is older than the cutoff. */
  dropped: string[];
  /** Rows deleted one by one from the default partition, which is never dropped. */
  deletedRows: number;
}

/**
 * Retention for one partitioned table: drop each partition that ends at or before `cutoff`;
 * the partition the cutoff falls in stays whole until it is past too. The default partition
 * holds rows of any age, so its expired rows are deleted.
 */
export async function dropExpired(
  sql: Sql,
  table: PartitionedTable,
  cutoff: Date,
): Promise<Expired> {
  const { dropped, fallback } = await maintaining(sql, async (client) => {
    const partitions = await listPartitions(client, table);
    const expired = partitions.filter((p) => !p.isDefault && p.to !== null && p.to <= cutoff);
    for (const p of expired) await client.query(`DROP TABLE ${quoted(p.name)}`);
    return { dropped: expired.map((p) => p.name), fallback: partitions.find((p) => p.isDefault) };
  });
  // Outside the drops' transaction: a long delete must not hold the parent's lock.
  const deleted = fallback
    ? await sql.query(`DELETE FROM ${quoted(fallback.name)} WHERE ${PARTITIONED[table]} < $1`, [
        cutoff,
      ])
    : undefined;
  return { dropped, deletedRows: deleted?.rowCount ?? 0 };
}
