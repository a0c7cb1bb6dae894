// The per-bot update log and its inbox marks (what a bot has consumed or acknowledged).
import type { Sql } from '../../infra/db/prisma';
import { isoUtc } from '../../infra/db/iso-utc';
import { statement } from '../../infra/db/statement';

import type { UpdateRow } from './update-row';

// Neither read hands out (nor acknowledges) anything while the bot has a webhook: the caller
// asks about the webhook only when a read comes back empty, one round trip instead of two.
const NO_WEBHOOK = 'NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.bot_id = :bot_id::uuid)';

// Lock the inbox row so concurrent consumers serialise: each update is handed out once.
const consume = statement<{ bot_id: string; limit: number; types: string[] | null }, UpdateRow>(
  'updates-consume',
  `
WITH cur AS (
  SELECT acked_update_id AS acked FROM bot_inboxes
   WHERE bot_id = :bot_id::uuid AND ${NO_WEBHOOK} FOR UPDATE
), batch AS (
  SELECT u.id, u.update_id, u.type, u.payload::text AS payload, ${isoUtc('u.created_at')} AS created_at
    FROM updates u, cur
   WHERE u.bot_id = :bot_id::uuid AND u.update_id > cur.acked
     AND (:types::text[] IS NULL OR u.type = ANY(:types::text[]))
   ORDER BY u.update_id LIMIT :limit
), adv AS (
  UPDATE bot_inboxes SET acked_update_id = (SELECT max(update_id) FROM batch)
   WHERE bot_id = :bot_id::uuid AND EXISTS (SELECT 1 FROM batch)
)
SELECT * FROM batch ORDER BY update_id`,
);

// Acknowledge everything below the offset (never past what exists) and read after it, in
// one statement. The read sees the inbox row as it was before the acknowledgement, which
// gives the same answer: the new mark is never above offset - 1.
const ackAndRead = statement<
  { bot_id: string; offset: number; limit: number; types: string[] | null },
  UpdateRow
>(
  'updates-read',
  `
WITH ack AS (
  UPDATE bot_inboxes SET acked_update_id = LEAST(:offset::bigint - 1, last_update_id)
   WHERE bot_id = :bot_id::uuid AND acked_update_id < LEAST(:offset::bigint - 1, last_update_id)
     AND ${NO_WEBHOOK}
)
SELECT u.id, u.update_id, u.type, u.payload::text AS payload, ${isoUtc('u.created_at')} AS created_at
  FROM updates u JOIN bot_inboxes i ON i.bot_id = u.bot_id
 WHERE u.bot_id = :bot_id::uuid AND u.update_id > GREATEST(i.acked_update_id, :offset::bigint - 1)
   AND (:types::text[] IS NULL OR u.type = ANY(:types::text[])) AND ${NO_WEBHOOK}
 ORDER BY u.update_id LIMIT :limit`,
);

// Quiet bots whose log moved past what their poll waits for, or that got a webhook: their
// wakeup was lost (say, its publisher died between commit and publish).
const lostWakeups = statement<{ bot_ids: string[]; afters: number[] }, { bot_id: string }>(
  'quiet-audit',
  `
SELECT q.bot_id FROM unnest(:bot_ids::uuid[], :afters::bigint[]) AS q(bot_id, after)
  JOIN bot_inboxes i ON i.bot_id = q.bot_id
 WHERE i.last_update_id > GREATEST(i.acked_update_id, q.after)
UNION
SELECT w.bot_id FROM webhooks w WHERE w.bot_id = ANY(:bot_ids::uuid[])`,
);

// A consumed batch whose client vanished before the answer: hand it out again.
const unconsume = statement<{ bot_id: string; first: string; last: string }>(
  'updates-unconsume',
  `
UPDATE bot_inboxes SET acked_update_id = :first::bigint - 1
 WHERE bot_id = :bot_id::uuid AND acked_update_id = :last::bigint`,
);

const hasWebhook = statement<{ bot_id: string }, { one: number }>(
  'has-webhook',
  'SELECT 1 AS one FROM webhooks WHERE bot_id = :bot_id::uuid',
);

const dropPending = statement<{ bot_id: string }>(
  'updates-drop-pending',
  'UPDATE bot_inboxes SET acked_update_id = last_update_id WHERE bot_id = :bot_id::uuid',
);

const pending = statement<{ bot_id: string }, { n: number }>(
  'updates-pending',
  `SELECT (last_update_id - acked_update_id)::int AS n FROM bot_inboxes WHERE bot_id = :bot_id::uuid`,
);

export class UpdatesRepository {
  constructor(private readonly sql: Sql) {}

  /** The next batch after the acknowledged mark, which moves past it (handed out once). */
  consume(botId: string, limit: number, types: string[] | null): Promise<UpdateRow[]> {
    return consume.run(this.sql, { bot_id: botId, limit, types });
  }

  /** Acknowledge below `offset`, then the batch from there; nothing is consumed. */
  ackAndRead(
    botId: string,
    offset: number,
    limit: number,
    types: string[] | null,
  ): Promise<UpdateRow[]> {
    return ackAndRead.run(this.sql, { bot_id: botId, offset, limit, types });
  }

  /** Bots (of `after`'s keys) with news past their mark, or with a webhook. */
  async lostWakeups(after: Map<string, number>): Promise<string[]> {
    const rows = await lostWakeups.run(this.sql, {
      bot_ids: [...after.keys()],
      afters: [...after.values()],
    });
    return rows.map((r) => r.bot_id);
  }

  /** Put back the consumed batch first..last, unless something moved the mark since. */
  async unconsume(botId: string, first: string, last: string): Promise<void> {
    await unconsume.run(this.sql, { bot_id: botId, first, last });
  }

  async hasWebhook(botId: string): Promise<boolean> {
    return (await hasWebhook.run(this.sql, { bot_id: botId })).length > 0;
  }

  async dropPending(botId: string): Promise<void> {
    await dropPending.run(this.sql, { bot_id: botId });
  }

  async pendingCount(botId: string): Promise<number> {
    return (await pending.first(this.sql, { bot_id: botId }))?.n ?? 0;
  }
}
