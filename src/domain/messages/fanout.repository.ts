// The fan-out statement: a change and everything it makes — bot updates, user events — in
// ONE statement (one round trip, atomic on its own, or part of the caller's transaction).
import { statement, type Queryable } from '../../infra/db/statement';
import { storedUpdate } from '../updates/update-row';
import type { EventOut, NewMedia, NewMessage, NewPoll, UpdateOut } from './fanout';

export interface WebhookBot {
  botId: string;
  /** int8, as text. */
  updateId: string;
}

interface FanoutParams {
  message_id: string | null;
  chat_id: string | null;
  sender_id: string | null;
  content: string | null;
  payload: string | null;
  reply_to_id: string | null;
  forward_from: string | null;
  created_at: Date | null;
  bot_ids: string[];
  bot_types: string[];
  bot_payloads: string[];
  user_ids: string[];
  user_types: string[];
  user_payloads: string[];
  media_id: string | null;
  media_kind: string | null;
  media_mime: string | null;
  media_file_name: string | null;
  media_size: number | null;
  media_width: number | null;
  media_height: number | null;
  media_sha256: string | null;
  media_data: Buffer | null;
  poll_id: string | null;
  poll_question: string | null;
  poll_options: string[] | null;
  poll_is_anonymous: boolean | null;
  poll_allows_multiple_answers: boolean | null;
}

interface FanoutRow {
  messages: number;
  /** The inserted message's number within its chat (null without a message). */
  message_number: number | null;
  updates: number;
  events: number;
  webhook_bots: WebhookBot[] | null;
}

/**
 * Records are built before the statement allocates the message's number: the updates and
 * events that carry the new message get it written in here.
 */
const numbered = (
  payload: string,
) => `CASE WHEN ${payload}->'message'->>'id' = :message_id::uuid::text
    THEN jsonb_set(${payload}, '{message,number}', to_jsonb((SELECT n FROM num)))
    ELSE ${payload} END AS payload`;

// Inbox rows are locked in sorted order (deadlock-free across concurrent fan-outs) and
// stay locked until the transaction commits, so ids commit in the order they were allocated.
// The message's media and poll rows ride along (their foreign keys are checked at the end
// of the statement, when all three rows exist).
const fanout = statement<FanoutParams, FanoutRow>(
  'fanout',
  `
WITH num AS (
  UPDATE chats SET last_message_number = last_message_number + 1
   WHERE id = :chat_id::uuid AND :message_id::uuid IS NOT NULL
  RETURNING last_message_number AS n
), media_in AS (
  INSERT INTO media (id, chat_id, uploader_id, kind, mime, file_name, size, width, height, sha256, data, created_at)
  SELECT :media_id::uuid, :chat_id::uuid, :sender_id::uuid, :media_kind::media_kind, :media_mime,
         :media_file_name, :media_size::int, :media_width::int, :media_height::int, :media_sha256,
         :media_data::bytea, :created_at::timestamptz
   WHERE :media_id IS NOT NULL
  RETURNING id
), msg AS (
  INSERT INTO messages (id, chat_id, sender_id, content, payload, reply_to_id, forward_from, created_at, media_id, number)
  SELECT :message_id::uuid, :chat_id::uuid, :sender_id::uuid, :content, :payload::jsonb,
         :reply_to_id::uuid, :forward_from, :created_at::timestamptz, :media_id::uuid, num.n
    FROM num
  RETURNING id
), poll_in AS (
  INSERT INTO polls (id, message_id, question, options, is_anonymous, allows_multiple_answers, created_at)
  SELECT :poll_id::uuid, :message_id::uuid, :poll_question, :poll_options::text[],
         :poll_is_anonymous::boolean, :poll_allows_multiple_answers::boolean, :created_at::timestamptz
   WHERE :poll_id IS NOT NULL
  RETURNING id
), bots_in AS (
  SELECT x.bot_id, x.type, ${numbered('x.payload')}
    FROM unnest(:bot_ids::uuid[], :bot_types::text[], :bot_payloads::jsonb[]) AS x(bot_id, type, payload)
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
  SELECT x.user_id, x.type, ${numbered('x.payload')}
    FROM unnest(:user_ids::uuid[], :user_types::text[], :user_payloads::jsonb[]) AS x(user_id, type, payload)
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
SELECT (SELECT count(*) FROM msg)::int AS messages, (SELECT n FROM num) AS message_number, (SELECT count(*) FROM upd)::int AS updates,
       (SELECT count(*) FROM evs)::int AS events,
       (SELECT json_agg(json_build_object('botId', b.bot_id, 'updateId', b.last_update_id::text))
          FROM bot_ids b JOIN webhooks w ON w.bot_id = b.bot_id) AS webhook_bots`,
);

const json = (v: unknown) => JSON.stringify(v);

/** A tagged record as stored: its kind has a column of its own. */
const stored = ({ kind: _kind, ...rest }: { kind: string }) => JSON.stringify(rest);

/**
 * Writes `message` (if any), `updates` and `events`; returns the bots that have a webhook and
 * the message's number in its chat.
 */
export async function writeFanout(
  db: Queryable,
  m: NewMessage | null,
  updates: UpdateOut[],
  events: EventOut[],
): Promise<{ webhookBots: WebhookBot[]; messageNumber: number | null }> {
  const row = await fanout.first(db, {
    message_id: m?.id ?? null,
    chat_id: m?.chatId ?? null,
    sender_id: m?.senderId ?? null,
    content: m?.content ?? null,
    payload: m ? json(m.payload ?? {}) : null,
    reply_to_id: m?.replyToId ?? null,
    forward_from: m?.forwardFrom ?? null,
    created_at: m?.createdAt ?? null,
    bot_ids: updates.map((u) => u.botId),
    bot_types: updates.map((u) => u.update.kind),
    bot_payloads: updates.map((u) => storedUpdate(u.update)),
    user_ids: events.map((e) => e.userId),
    user_types: events.map((e) => e.event.kind),
    user_payloads: events.map((e) => stored(e.event)),
    ...mediaParams(m?.media),
    ...pollParams(m?.poll),
  });
  return { webhookBots: row?.webhook_bots ?? [], messageNumber: row?.message_number ?? null };
}

const mediaParams = (x: NewMedia | null | undefined) => ({
  media_id: x?.id ?? null,
  media_kind: x?.kind ?? null,
  media_mime: x?.mime ?? null,
  media_file_name: x?.fileName ?? null,
  media_size: x?.size ?? null,
  media_width: x?.width ?? null,
  media_height: x?.height ?? null,
  media_sha256: x?.sha256 ?? null,
  media_data: x?.data ?? null,
});

const pollParams = (x: NewPoll | null | undefined) => ({
  poll_id: x?.id ?? null,
  poll_question: x?.question ?? null,
  poll_options: x?.options ?? null,
  poll_is_anonymous: x?.isAnonymous ?? null,
  poll_allows_multiple_answers: x?.allowsMultipleAnswers ?? null,
});
