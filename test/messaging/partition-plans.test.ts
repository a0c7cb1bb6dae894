// The hot path's reads of the partitioned update log and event feed stay index scans on every
// partition they touch (their WHERE has no created_at, so no partition is pruned). The plans
// are the ones Postgres ran for the repositories' own named statements, reported by
// auto_explain on the test's connection: no SQL is copied here.
import { Pool } from 'pg';
import { EventsRepository } from '../../src/domain/events/events.repository';
import { UpdatesRepository } from '../../src/domain/updates/updates.repository';
import { DeliveryRepository } from '../../src/domain/webhooks/delivery.repository';
import { createPartitionsAhead } from '../../src/worker/maintenance';
import { createAhead, PARTITIONED_TABLES } from '../../src/worker/partitions';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform();
const HOUR = 3_600_000;
const BOTS = 100;
const ROWS = 300;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Node types that read through an index (a bitmap heap scan reads what its index found). */
const INDEXED = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']);
const TABLE: Record<string, string> = {
  'updates-read': 'updates_',
  'updates-consume': 'updates_',
  'webhook-pending': 'updates_',
  'events-feed': 'user_events_',
};

function* nodes(n: PlanNode): Generator<PlanNode> {
  yield n;
  for (const child of n.Plans ?? []) yield* nodes(child);
}

const describeScans = (scans: PlanNode[]) =>
  scans
    .map((n) => {
      const index = n['Index Name'] ?? n.Plans?.[0]?.['Index Name'];
      return `${n['Relation Name']}: ${n['Node Type']}${index ? ` (${index})` : ''}`;
    })
    .join('; ');

/** A pool of one connection whose every statement's plan arrives as a notice. */
function explainingPool(url: string) {
  const plans: PlanNode[] = [];
  const pool = new Pool({
    connectionString: url,
    max: 1,
    options:
      '-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 ' +
      '-c auto_explain.log_level=notice -c auto_explain.log_format=json',
  });
  pool.on('connect', (client) => {
    client.on('notice', (n) => {
      const json = n.message?.slice(n.message.indexOf('{'));
      if (json) plans.push((JSON.parse(json) as { Plan: PlanNode }).Plan);
    });
  });
  return { pool, plans };
}

describe('hot-path reads on the partitioned tables', () => {
  let bots: { bot_id: string; user_id: string }[] = [];

  beforeAll(async () => {
    const { platform } = t.current;
    // A day of partitions behind and the usual ones ahead, then rows in each of them.
    for (let back = 24; back > 0; back -= 6) {
      for (const table of PARTITIONED_TABLES) {
        await createAhead(platform.sql, table, 6, new Date(Date.now() - back * HOUR));
      }
    }
    await createPartitionsAhead(platform);
    ({ rows: bots } = await platform.sql.query<{ bot_id: string; user_id: string }>(
      `WITH u AS (
         INSERT INTO users (id, username, display_name, tg_id, updated_at)
         SELECT gen_random_uuid(), 'plan' || g, 'P', 5000000000 + g, now()
           FROM generate_series(1, ${BOTS}) g RETURNING id, tg_id
       ), b AS (
         INSERT INTO bots (id, owner_id, user_id, name, api_key_hash, updated_at)
         SELECT gen_random_uuid(), id, id, 'plan', md5(id::text) || md5(tg_id::text), now() FROM u
         RETURNING id, owner_id
       ) SELECT id AS bot_id, owner_id AS user_id FROM b`,
    ));
    await platform.sql.query(
      `INSERT INTO bot_inboxes (bot_id, last_update_id, acked_update_id)
       SELECT unnest($1::uuid[]), ${ROWS}, ${ROWS - 50}`,
      [bots.map((b) => b.bot_id)],
    );
    // Each bot's and user's rows spread over the 20 hours before the current partition began,
    // oldest first: the current partition stays empty whatever the time of day, so a seq scan
    // of it (rightly chosen when it holds a handful of rows) never appears.
    const boundary = new Date(Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR).toISOString();
    const at = `'${boundary}'::timestamptz - interval '1 millisecond' - interval '20 hours' * (1 - g / ${ROWS}.0)`;
    await platform.sql.query(
      `INSERT INTO updates (id, bot_id, update_id, type, payload, created_at)
       SELECT gen_random_uuid(), b, g, 'message', '{}', ${at}
         FROM unnest($1::uuid[]) b, generate_series(1, ${ROWS}) g`,
      [bots.map((b) => b.bot_id)],
    );
    await platform.sql.query(
      `INSERT INTO user_events (user_id, seq, type, payload, created_at)
       SELECT u, g, 'message.new', '{}', ${at}
         FROM unnest($1::uuid[]) u, generate_series(1, ${ROWS}) g`,
      [bots.map((b) => b.user_id)],
    );
    await platform.sql.query('ANALYZE updates; ANALYZE user_events');
  });

  it('reads by bot and update_id, and by user and seq, as index scans on each partition', async () => {
    const { pool, plans } = explainingPool(t.current.env.DATABASE_URL!);
    const updates = new UpdatesRepository(pool);
    const delivery = new DeliveryRepository(pool);
    const events = new EventsRepository(pool);
    const [one, two] = bots;
    const reads: [string, () => Promise<unknown[]>][] = [
      ['updates-read', () => updates.ackAndRead(one!.bot_id, ROWS - 40, 100, null)],
      ['updates-consume', () => updates.consume(two!.bot_id, 5, null)],
      ['webhook-pending', () => delivery.pending(one!.bot_id, String(ROWS - 30))],
      ['events-feed', () => events.after(one!.user_id, String(ROWS - 20))],
    ];
    // Rows per partition: a sequential scan is allowed only where there is nothing to read.
    const { rows: counts } = await t.current.platform.sql.query<{ name: string; n: number }>(
      `SELECT inhrelid::regclass::text AS name,
              (xpath('/row/n/text()', query_to_xml(
                 format('SELECT count(*) AS n FROM %s', inhrelid::regclass), false, true, '')))[1]::text::int AS n
         FROM pg_inherits WHERE inhparent IN ('updates'::regclass, 'user_events'::regclass)`,
    );
    const rowsIn = new Map(counts.map((c) => [c.name, c.n]));
    const seen: string[] = [];
    try {
      for (const [name, read] of reads) {
        // Six runs: past the fifth, a named statement may switch to its generic plan.
        for (let run = 0; run < 6; run++) {
          plans.length = 0;
          expect((await read()).length).toBeGreaterThan(0);
          const scans = plans
            .flatMap((p) => [...nodes(p)])
            .filter((n) => rowsIn.has(n['Relation Name'] ?? ''));
          const unindexed = scans.filter(
            (n) => !INDEXED.has(n['Node Type']) && rowsIn.get(n['Relation Name']!) !== 0,
          );
          expect({ name, run, unindexed }).toEqual({ name, run, unindexed: [] });
          // No partition can be pruned (the WHERE has no created_at): all of the table's are read.
          expect(scans.length).toBe(counts.filter((c) => c.name.startsWith(TABLE[name]!)).length);
          if (run === 0) seen.push(`${name}: ${describeScans(scans)}`);
        }
      }
      console.log(`plans (partition: scan, rows in it):\n  ${seen.join('\n  ')}`);
    } finally {
      await pool.end();
    }
  });
});
