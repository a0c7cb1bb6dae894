// The group-commit statement: several plain messages (no media, no poll), each with its
// updates and events, written in ONE statement and one commit. Messages of one chat and
// updates (events) of one bot (person) may repeat across the batch: each counter is bumped
// once by the number of its rows, which are then numbered in the batch's order.
import { statement, type Queryable } from '../../infra/db/statement';
import { storedUpdate, type UpdateRow } from '../updates/update-row';
import type { EventOut, NewMessage, UpdateOut } from './fanout';
import type { WebhookBot } from './fanout.repository';

interface BatchParams {
  message_ids: string[];
  chat_ids: string[];
  sender_ids: string[];
  contents: string[];
  /** A JSON array of the payloads (see jsonArray). */
  payloads: string;
  reply_to_ids: (string | null)[];
  forward_froms: (string | null)[];
  created_ats: Date[];
  /** Each update's message, as its 1-based position in the arrays above. */
  bot_items: number[];
  bot_ids: string[];
  bot_types: string[];
  bot_payloads: string;
  user_items: number[];
  user_ids: string[];
  user_types: string[];
  user_payloads: string;
}

interface BatchRow {
  item: number;
  message_number: number | null;
  webhook_bots: WebhookBot[] | null;
  /** [bot id, update row id, update_id as text] per update of the item. */
  bot_updates: [string, string, string][] | null;
  created_at: Date;
}

/** An update or event carrying its own message gets the number the statement allocated. */
const numbered = (payload: string) => `CASE WHEN ${payload}->'message'->>'id' = n.message_id::text
    THEN jsonb_set(${payload}, '{message,number}', to_jsonb(n.n))
    ELSE ${payload} END AS payload`;

// Rows are locked as the single fan-out locks them — chats, then bot inboxes, then event
// inboxes, each in id order — so concurrent fan-outs and batches cannot deadlock, and every
// counter stays locked until COMMIT (numbers commit in the order they were allocated).
const fanoutBatch = statement<BatchParams, BatchRow>(
  'fanout_batch',
  `
WITH m_in AS (
  SELECT * FROM unnest(:message_ids::uuid[], :chat_ids::uuid[], :sender_ids::uuid[], :contents::text[],
                       :reply_to_ids::uuid[], :forward_froms::text[], :created_ats::timestamptz[])
    WITH ORDINALITY AS x(message_id, chat_id, sender_id, content, reply_to_id, forward_from,
                         created_at, item)
    JOIN jsonb_array_elements(:payloads::jsonb) WITH ORDINALITY AS p(payload, item) USING (item)
), per_chat AS (
  SELECT chat_id, count(*)::int AS k FROM m_in GROUP BY chat_id
), locked AS (
  SELECT c.id FROM chats c WHERE c.id IN (SELECT chat_id FROM per_chat) ORDER BY c.id FOR UPDATE
), bumped AS (
  UPDATE chats c SET last_message_number = c.last_message_number + p.k
    FROM per_chat p, locked l
   WHERE c.id = p.chat_id AND l.id = p.chat_id
  RETURNING c.id AS chat_id, c.last_message_number - p.k AS base
), num AS (
  SELECT m.item, m.message_id,
         (b.base + row_number() OVER (PARTITION BY m.chat_id ORDER BY m.item))::int AS n
    FROM m_in m JOIN bumped b USING (chat_id)
), msg AS (
  INSERT INTO messages (id, chat_id, sender_id, content, payload, reply_to_id, forward_from, created_at, media_id, number)
  SELECT m.message_id, m.chat_id, m.sender_id, m.content, m.payload, m.reply_to_id, m.forward_from,
         m.created_at, NULL, n.n
    FROM m_in m JOIN num n USING (item)
  RETURNING id
), bots_in AS (
  SELECT x.item, x.bot_id, x.type, ${numbered('p.payload')},
         row_number() OVER (PARTITION BY x.bot_id ORDER BY x.item) AS k
    FROM unnest(:bot_items::int8[], :bot_ids::uuid[], :bot_types::text[])
         WITH ORDINALITY AS x(item, bot_id, type, at)
    JOIN jsonb_array_elements(:bot_payloads::jsonb) WITH ORDINALITY AS p(payload, at) USING (at)
    LEFT JOIN num n USING (item)
), bot_counts AS (
  SELECT bot_id, count(*) AS k FROM bots_in GROUP BY bot_id
), bot_ids AS (
  INSERT INTO bot_inboxes AS i (bot_id, last_update_id)
  SELECT bot_id, k FROM bot_counts ORDER BY bot_id
  ON CONFLICT (bot_id) DO UPDATE SET last_update_id = i.last_update_id + EXCLUDED.last_update_id
  RETURNING bot_id, last_update_id
), bot_rows AS (
  SELECT x.item, x.bot_id, x.type, x.payload, b.last_update_id - c.k + x.k AS update_id,
         gen_random_uuid() AS id
    FROM bots_in x JOIN bot_ids b USING (bot_id) JOIN bot_counts c USING (bot_id)
), upd AS (
  INSERT INTO updates (id, bot_id, update_id, type, payload, created_at)
  SELECT id, bot_id, update_id, type, payload, now() FROM bot_rows
  RETURNING 1
), written AS (
  SELECT item, json_agg(json_build_array(bot_id, id, update_id::text)) AS bots
    FROM bot_rows GROUP BY item
), users_in AS (
  SELECT x.user_id, x.type, ${numbered('p.payload')},
         row_number() OVER (PARTITION BY x.user_id ORDER BY x.item) AS k
    FROM unnest(:user_items::int8[], :user_ids::uuid[], :user_types::text[])
         WITH ORDINALITY AS x(item, user_id, type, at)
    JOIN jsonb_array_elements(:user_payloads::jsonb) WITH ORDINALITY AS p(payload, at) USING (at)
    LEFT JOIN num n USING (item)
), user_counts AS (
  SELECT user_id, count(*) AS k FROM users_in GROUP BY user_id
), seqs AS (
  INSERT INTO event_inboxes AS i (user_id, last_seq)
  SELECT user_id, k FROM user_counts ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET last_seq = i.last_seq + EXCLUDED.last_seq
  RETURNING user_id, last_seq
), evs AS (
  INSERT INTO user_events (user_id, seq, type, payload, created_at)
  SELECT x.user_id, s.last_seq - c.k + x.k, x.type, x.payload, now()
    FROM users_in x JOIN seqs s USING (user_id) JOIN user_counts c USING (user_id)
  RETURNING 1
), hooks AS (
  SELECT r.item, json_agg(json_build_object('botId', r.bot_id, 'updateId', r.update_id::text)) AS bots
    FROM bot_rows r JOIN webhooks w ON w.bot_id = r.bot_id
   GROUP BY r.item
)
SELECT m.item::int AS item, n.n AS message_number, h.bots AS webhook_bots,
       w.bots AS bot_updates, now()::timestamptz(3) AS created_at
  FROM m_in m LEFT JOIN num n USING (item) LEFT JOIN hooks h USING (item)
  LEFT JOIN written w USING (item)`,
);

/** One send of a batch: a plain message and what it makes. */
export interface BatchItem {
  message: NewMessage;
  updates: UpdateOut[];
  events: EventOut[];
}

export interface BatchResult {
  webhookBots: WebhookBot[];
  messageNumber: number | null;
  /** Each update's log row as a poll would read it (its wakeup may carry it). */
  rows: Map<string, UpdateRow>;
}

const stored = ({ kind: _kind, ...rest }: { kind: string }) => JSON.stringify(rest);

/**
 * JSON texts as one JSON array text: a single parameter, where a text[] would make pg escape
 * every quote of every payload (and Postgres unescape them) on the way.
 */
const jsonArray = (texts: string[]) => `[${texts.join(',')}]`;

/** Writes every item in one statement; results in the items' order. */
export async function writeFanoutBatch(db: Queryable, items: BatchItem[]): Promise<BatchResult[]> {
  const payloads: string[] = [];
  const botPayloads: string[] = [];
  const userPayloads: string[] = [];
  const p: Omit<BatchParams, 'payloads' | 'bot_payloads' | 'user_payloads'> = {
    message_ids: [],
    chat_ids: [],
    sender_ids: [],
    contents: [],
    reply_to_ids: [],
    forward_froms: [],
    created_ats: [],
    bot_items: [],
    bot_ids: [],
    bot_types: [],
    user_items: [],
    user_ids: [],
    user_types: [],
  };
  items.forEach(({ message: m, updates, events }, i) => {
    p.message_ids.push(m.id);
    p.chat_ids.push(m.chatId);
    p.sender_ids.push(m.senderId);
    p.contents.push(m.content);
    payloads.push(JSON.stringify(m.payload ?? {}));
    p.reply_to_ids.push(m.replyToId);
    p.forward_froms.push(m.forwardFrom);
    p.created_ats.push(m.createdAt);
    for (const u of updates) {
      p.bot_items.push(i + 1);
      p.bot_ids.push(u.botId);
      p.bot_types.push(u.update.kind);
      botPayloads.push(storedUpdate(u.update));
    }
    for (const e of events) {
      p.user_items.push(i + 1);
      p.user_ids.push(e.userId);
      p.user_types.push(e.event.kind);
      userPayloads.push(stored(e.event));
    }
  });
  const rows = await fanoutBatch.run(db, {
    ...p,
    payloads: jsonArray(payloads),
    bot_payloads: jsonArray(botPayloads),
    user_payloads: jsonArray(userPayloads),
  });
  const results: BatchResult[] = items.map(() => ({
    webhookBots: [],
    messageNumber: null,
    rows: new Map(),
  }));
  for (const r of rows) {
    results[r.item - 1] = {
      webhookBots: r.webhook_bots ?? [],
      messageNumber: r.message_number,
      rows: writtenRows(items[r.item - 1]!, r),
    };
  }
  return results;
}

/**
 * The log rows the statement wrote for one item, by bot: the stored JSON is rebuilt here with
 * the message's number in place, as the statement wrote it (message updates only; others are
 * left out, and their wakeups carry nothing).
 */
function writtenRows(item: BatchItem, r: BatchRow): Map<string, UpdateRow> {
  const out = new Map<string, UpdateRow>();
  if (!r.bot_updates || r.message_number === null) return out;
  const createdAt = r.created_at.toISOString();
  const byBot = new Map(item.updates.map((u) => [u.botId, u.update]));
  for (const [botId, id, updateId] of r.bot_updates) {
    const body = byBot.get(botId);
    if (!body || (body.kind !== 'message' && body.kind !== 'edited_message')) continue;
    if (body.message.id !== item.message.id) continue;
    const message = { ...body.message, number: r.message_number };
    out.set(botId, {
      id,
      update_id: updateId,
      type: body.kind,
      payload: storedUpdate({ ...body, message }),
      created_at: createdAt,
    });
  }
  return out;
}
