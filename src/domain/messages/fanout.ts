// Writes a change and everything it makes — bot updates, user events — in ONE statement
// (one round trip, atomic), then wakes the recipients' long-polls through Redis.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';

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
}

export const botChannel = (botId: string) => `bot:${botId}`;
export const userChannel = (userId: string) => `user:${userId}`;

// Inbox rows are locked in sorted order (deadlock-free across concurrent fan-outs) and
// stay locked until the statement commits, so ids commit in the order they were allocated.
const FANOUT_SQL = `
WITH msg AS (
  INSERT INTO messages (id, chat_id, sender_id, content, payload, reply_to_id, forward_from, created_at)
  SELECT $1::uuid, $2::uuid, $3::uuid, $4, $5::jsonb, $6::uuid, $7, $8::timestamptz WHERE $1 IS NOT NULL
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
       (SELECT count(*) FROM evs)::int AS events`;

const json = (v: unknown) => JSON.stringify(v);

export class Fanout {
  constructor(
    private readonly db: Db,
    private readonly bus: WakeupBus,
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
    await this.db.$queryRawUnsafe(
      FANOUT_SQL,
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
    );
    await this.bus.publish([
      ...updates.map((u): [string, string] => [botChannel(u.botId), 'update']),
      ...events.map((e): [string, string] => [userChannel(e.userId), 'event']),
    ]);
  }
}

/** One inbox row can be bumped once per statement; callers send one item per recipient. */
function assertDistinct(ids: string[], what: string): void {
  if (new Set(ids).size !== ids.length) throw new Error(`fan-out to the same ${what} twice`);
}

export const newMessageId = () => randomUUID();
