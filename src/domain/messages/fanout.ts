// Writes a change and everything it makes — bot updates, user events — in ONE statement
// (one round trip, atomic), then wakes the recipients' long-polls through Redis.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../infra/db/prisma';
import type { Logger } from '../../infra/logger';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import type { MediaMeta } from '../media/media-meta';
import type { DeliveryScheduler } from '../webhooks/webhooks.service';

export interface BotUpdate {
  botId: string;
  type: string;
  payload: unknown;
}

export interface UserEventOut {
  userId: string;
  type: string;
  payload: unknown;
}

export interface NewMessage {
  id: string;
  chatId: string;
  senderId: string;
  content: string;
  payload: unknown;
  replyToId: string | null;
  forwardFrom: string | null;
  createdAt: Date;
  /** Stored with the message, in the same statement (its bytes and its poll never orphan). */
  media?: NewMedia | null;
  poll?: NewPoll | null;
}

/** An attachment as stored: its description plus the bytes. */
export type NewMedia = MediaMeta & { data: Buffer };

export interface NewPoll {
  id: string;
  question: string;
  options: string[];
  isAnonymous: boolean;
  allowsMultipleAnswers: boolean;
}

export const botChannel = (botId: string) => `bot:${botId}`;
export const userChannel = (userId: string) => `user:${userId}`;

// Inbox rows are locked in sorted order (deadlock-free across concurrent fan-outs) and
// stay locked until the statement commits, so ids commit in the order they were allocated.
// The message's media and poll rows ride along (their foreign keys are checked at the end
// of the statement, when all three rows exist).
const FANOUT_SQL = `
WITH media_in AS (
  INSERT INTO media (id, chat_id, uploader_id, kind, mime, file_name, size, width, height, sha256, data, created_at)
  SELECT $15::uuid, $2::uuid, $3::uuid, $16::media_kind, $17, $18, $19::int, $20::int, $21::int, $22, $23::bytea, $8::timestamptz
   WHERE $15 IS NOT NULL
  RETURNING id
), msg AS (
  INSERT INTO messages (id, chat_id, sender_id, content, payload, reply_to_id, forward_from, created_at, media_id)
  SELECT $1::uuid, $2::uuid, $3::uuid, $4, $5::jsonb, $6::uuid, $7, $8::timestamptz, $15::uuid WHERE $1 IS NOT NULL
  RETURNING id
), poll_in AS (
  INSERT INTO polls (id, message_id, question, options, is_anonymous, allows_multiple_answers, created_at)
  SELECT $24::uuid, $1::uuid, $25, $26::text[], $27::boolean, $28::boolean, $8::timestamptz
   WHERE $24 IS NOT NULL
  RETURNING id
), bots_in AS (
  SELECT * FROM unnest($9::uuid[], $10::text[], $11::jsonb[]) AS x(bot_id, type, payload)
), bot_ids AS (
  INSERT INTO bot_inboxes AS i (bot_id, last_update_id)
  SELECT bot_id, 1 FROM bots_in ORDER BY bot_id
  ON CONFLICT (bot_id) DO UPDATE SET last_update_id = i.last_update_id + 1
  RETURNING bot_id, last_update_id
), upd AS (
  INSERT INTO updates (id, bot_id, update_id, type, payload, created_at)
  SELECT gen_random_uuid(), b.bot_id, b.last_update_id, x.type, x.payload, now()
  FROM bot_ids b JOIN bots_in x USING (bot_id)
  RETURNING 1
), users_in AS (
  SELECT * FROM unnest($12::uuid[], $13::text[], $14::jsonb[]) AS x(user_id, type, payload)
), seqs AS (
  INSERT INTO event_inboxes AS i (user_id, last_seq)
  SELECT user_id, 1 FROM users_in ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET last_seq = i.last_seq + 1
  RETURNING user_id, last_seq
), evs AS (
  INSERT INTO user_events (user_id, seq, type, payload, created_at)
  SELECT s.user_id, s.last_seq, x.type, x.payload, now()
  FROM seqs s JOIN users_in x USING (user_id)
  RETURNING 1
)
SELECT (SELECT count(*) FROM msg)::int AS messages, (SELECT count(*) FROM upd)::int AS updates,
       (SELECT count(*) FROM evs)::int AS events,
       (SELECT json_agg(json_build_object('botId', b.bot_id, 'updateId', b.last_update_id::text))
          FROM bot_ids b JOIN webhooks w ON w.bot_id = b.bot_id) AS webhook_bots`;

const json = (v: unknown) => JSON.stringify(v);

export class Fanout {
  constructor(
    private readonly sql: Sql,
    private readonly bus: WakeupBus,
    private readonly webhooks: DeliveryScheduler,
    private readonly log: Logger,
  ) {}

  /** Insert `message` (if any) and deliver updates and events, atomically; then wake. */
  async write(
    message: NewMessage | null,
    updates: BotUpdate[],
    events: UserEventOut[],
  ): Promise<void> {
    assertDistinct(
      updates.map((u) => u.botId),
      'bot',
    );
    assertDistinct(
      events.map((e) => e.userId),
      'user',
    );
    const m = message;
    // Named: prepared once per connection, so the planner runs once, not per message.
    const { rows } = await this.sql.query<{
      webhook_bots: { botId: string; updateId: string }[] | null;
    }>({
      name: 'fanout',
      text: FANOUT_SQL,
      values: [
        m?.id ?? null,
        m?.chatId ?? null,
        m?.senderId ?? null,
        m?.content ?? null,
        m ? json(m.payload ?? {}) : null,
        m?.replyToId ?? null,
        m?.forwardFrom ?? null,
        m?.createdAt ?? null,
        updates.map((u) => u.botId),
        updates.map((u) => u.type),
        updates.map((u) => json(u.payload)),
        events.map((e) => e.userId),
        events.map((e) => e.type),
        events.map((e) => json(e.payload)),
        ...mediaParams(m?.media),
        ...pollParams(m?.poll),
      ],
    });
    // Bots with a webhook get a delivery job; the rest (long-pollers) a wakeup.
    const pushed = rows[0]?.webhook_bots ?? [];
    const viaWebhook = new Set(pushed.map((b) => b.botId));
    await Promise.all([
      this.bus.publish([
        ...updates
          .filter((u) => !viaWebhook.has(u.botId))
          .map((u): [string, string] => [botChannel(u.botId), 'update']),
        ...events.map((e): [string, string] => [userChannel(e.userId), 'event']),
      ]),
      this.scheduleWebhookDelivery(pushed),
    ]);
  }

  /** Never fails the write: the update is committed; the worker's sweep re-schedules it. */
  private async scheduleWebhookDelivery(
    bots: { botId: string; updateId: string }[],
  ): Promise<void> {
    try {
      await this.webhooks.scheduleDelivery(bots);
    } catch (err) {
      // Queue unreachable (Redis down): the worker's sweep re-queues these bots.
      this.log.warn(
        { err: (err as Error).message, bots: bots.map((b) => b.botId) },
        'webhook delivery not queued',
      );
    }
  }
}

const mediaParams = (x: NewMedia | null | undefined) => [
  x?.id ?? null,
  x?.kind ?? null,
  x?.mime ?? null,
  x?.fileName ?? null,
  x?.size ?? null,
  x?.width ?? null,
  x?.height ?? null,
  x?.sha256 ?? null,
  x?.data ?? null,
];

const pollParams = (x: NewPoll | null | undefined) => [
  x?.id ?? null,
  x?.question ?? null,
  x?.options ?? null,
  x?.isAnonymous ?? null,
  x?.allowsMultipleAnswers ?? null,
];

/** One inbox row can be bumped once per statement; callers send one item per recipient. */
function assertDistinct(ids: string[], what: string): void {
  if (new Set(ids).size !== ids.length) throw new Error(`fan-out to the same ${what} twice`);
}

export const newMessageId = () => randomUUID();
