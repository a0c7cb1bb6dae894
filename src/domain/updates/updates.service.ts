// The per-bot update log as bots read it: consume-once batches (no offset) or Telegram-style
// offset acknowledgement, both over a long-poll.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { longWait } from '../../realtime/long-wait';
import { appError } from '../errors';
import { parse } from '../validation';
import { botChannel } from '../messages/fanout';
import { QuietInboxes, pollKey } from './quiet-inboxes';

export interface UpdateRow {
  id: string;
  /** int8 arrives from pg as a string. */
  update_id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

export interface PollOptions {
  timeoutS: number;
  limit: number;
  /** Absent: hand the batch out once. Present: acknowledge below it, consume nothing. */
  offset?: number;
  /** Types to return (gateway allowed_updates); others are skipped and acknowledged. */
  types?: string[];
}

const int = (name: string) =>
  z.coerce.number({ error: `${name} must be an integer` }).int(`${name} must be an integer`);

export const pollQuery = z.object({
  timeout: int('timeout').optional(),
  limit: int('limit').optional(),
  offset: int('offset').optional(),
});

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

export function pollOptions(query: unknown, defaultTimeout: number): PollOptions {
  const q = parse(pollQuery, query);
  return {
    timeoutS: clamp(q.timeout ?? defaultTimeout, 0, 50),
    limit: clamp(q.limit ?? 100, 1, 100),
    ...(q.offset !== undefined && { offset: Math.max(q.offset, 0) }),
  };
}

// Lock the inbox row so concurrent consumers serialise: each update is handed out once.
const CONSUME_SQL = `
WITH cur AS (
  SELECT acked_update_id AS acked FROM bot_inboxes WHERE bot_id = $1::uuid FOR UPDATE
), batch AS (
  SELECT u.id, u.update_id, u.type, u.payload, u.created_at
    FROM updates u, cur
   WHERE u.bot_id = $1::uuid AND u.update_id > cur.acked
     AND ($3::text[] IS NULL OR u.type = ANY($3::text[]))
   ORDER BY u.update_id LIMIT $2
), adv AS (
  UPDATE bot_inboxes SET acked_update_id = (SELECT max(update_id) FROM batch)
   WHERE bot_id = $1::uuid AND EXISTS (SELECT 1 FROM batch)
)
SELECT * FROM batch ORDER BY update_id`;

// Acknowledge everything below the offset (never past what exists) and read after it, in
// one statement. The read sees the inbox row as it was before the acknowledgement, which
// gives the same answer: the new mark is never above offset - 1.
const ACK_AND_READ_SQL = `
WITH ack AS (
  UPDATE bot_inboxes SET acked_update_id = LEAST($2::bigint - 1, last_update_id)
   WHERE bot_id = $1::uuid AND acked_update_id < LEAST($2::bigint - 1, last_update_id)
)
SELECT u.id, u.update_id, u.type, u.payload, u.created_at
  FROM updates u JOIN bot_inboxes i ON i.bot_id = u.bot_id
 WHERE u.bot_id = $1::uuid AND u.update_id > GREATEST(i.acked_update_id, $2::bigint - 1)
   AND ($4::text[] IS NULL OR u.type = ANY($4::text[]))
 ORDER BY u.update_id LIMIT $3`;

// Quiet bots whose log moved past what their poll waits for, or that got a webhook: their
// wakeup was lost (say, its publisher died between commit and publish).
const LOST_WAKEUPS_SQL = `
SELECT q.bot_id FROM unnest($1::uuid[], $2::bigint[]) AS q(bot_id, after)
  JOIN bot_inboxes i ON i.bot_id = q.bot_id
 WHERE i.last_update_id > GREATEST(i.acked_update_id, q.after)
UNION
SELECT w.bot_id FROM webhooks w WHERE w.bot_id = ANY($1::uuid[])`;

// A consumed batch whose client vanished before the answer: hand it out again.
const UNCONSUME_SQL = `
UPDATE bot_inboxes SET acked_update_id = $2::bigint - 1
 WHERE bot_id = $1::uuid AND acked_update_id = $3::bigint`;

export class UpdatesService {
  private readonly quiet: QuietInboxes;

  constructor(
    private readonly sql: Sql,
    private readonly bus: WakeupBus,
  ) {
    this.quiet = new QuietInboxes(bus);
  }

  async read(botId: string, o: PollOptions): Promise<UpdateRow[]> {
    const { rows } =
      o.offset === undefined
        ? await this.sql.query<UpdateRow>({
            name: 'updates-consume',
            text: CONSUME_SQL,
            values: [botId, o.limit, o.types ?? null],
          })
        : await this.sql.query<UpdateRow>({
            name: 'updates-read',
            text: ACK_AND_READ_SQL,
            values: [botId, o.offset, o.limit, o.types ?? null],
          });
    return rows;
  }

  /**
   * Long-poll: at once when updates wait, else park until a wakeup, the timeout or abort.
   * A bot whose last poll found nothing, with nothing published for it since, parks
   * without a query (see QuietInboxes); a webhook set meanwhile was published too.
   */
  async poll(botId: string, o: PollOptions, signal: AbortSignal): Promise<UpdateRow[]> {
    const key = pollKey(o.offset, o.types);
    // Quiet: no webhook was set since the last check either (setting one is news on the
    // channel). Should news land before the listener is in, check then, before reading.
    const quietAtStart = this.quiet.isQuiet(botId, key);
    if (!quietAtStart) await this.refuseIfWebhook(botId);
    let webhookUnchecked = false;
    const channel = botChannel(botId);
    const batch = await longWait({
      bus: this.bus,
      channel,
      logStillEmpty: () => {
        const quiet = this.quiet.isQuiet(botId, key);
        webhookUnchecked = quietAtStart && !quiet;
        return quiet;
      },
      read: async () => {
        if (webhookUnchecked) {
          webhookUnchecked = false;
          await this.refuseIfWebhook(botId);
        }
        const version = this.bus.newsVersion(channel);
        const rows = await this.read(botId, o);
        if (rows.length > 0) this.quiet.forget(botId);
        else this.quiet.remember(botId, key, Math.max((o.offset ?? 1) - 1, 0), version);
        return rows;
      },
      timeoutMs: o.timeoutS * 1000,
      signal,
      exclusiveId: randomUUID(),
      onTakenOver: (by) => appError(by === 'webhook' ? 'webhook_active' : 'poll_superseded'),
    });
    if (signal.aborted && batch.length > 0 && o.offset === undefined) {
      await this.unconsume(botId, batch);
      return [];
    }
    return batch;
  }

  /** 409 while a webhook is set: delivery is exclusive. */
  private async refuseIfWebhook(botId: string): Promise<void> {
    const { rowCount } = await this.sql.query({
      name: 'has-webhook',
      text: 'SELECT 1 FROM webhooks WHERE bot_id = $1::uuid',
      values: [botId],
    });
    if ((rowCount ?? 0) > 0) throw appError('webhook_active');
  }

  /** The batch is pending again: news for any poll of this bot, here or elsewhere. */
  private async unconsume(botId: string, batch: UpdateRow[]): Promise<void> {
    const first = batch[0]!.update_id;
    const last = batch[batch.length - 1]!.update_id;
    await this.sql.query(UNCONSUME_SQL, [botId, first, last]);
    this.quiet.forget(botId);
    await this.bus.publish([[botChannel(botId), 'update']]);
  }

  /**
   * One statement for every quiet bot: any whose log moved without a wakeup reaching this
   * process (or that got a webhook) reads again, and a poll parked here wakes.
   */
  async auditQuiet(): Promise<void> {
    const waiting = this.quiet.waiting();
    if (waiting.size === 0) return;
    const { rows } = await this.sql.query<{ bot_id: string }>({
      name: 'quiet-audit',
      text: LOST_WAKEUPS_SQL,
      values: [[...waiting.keys()], [...waiting.values()]],
    });
    for (const r of rows) this.quiet.recoverLostWakeup(r.bot_id);
  }

  /** Updates not yet consumed or acknowledged (webhook info, metrics). */
  async pendingCount(botId: string): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>(
      `SELECT (last_update_id - acked_update_id)::int AS n FROM bot_inboxes WHERE bot_id = $1::uuid`,
      [botId],
    );
    return rows[0]?.n ?? 0;
  }
}

/** The Quanta dialect's update object (the same JSON a webhook POST carries). */
export function toQuantaUpdate(u: UpdateRow) {
  return {
    id: u.id,
    update_id: Number(u.update_id),
    type: u.type,
    payload: u.payload,
    created_at: u.created_at.toISOString(),
  };
}
