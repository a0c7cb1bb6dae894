// A member's reactions on a message: toggled one emoji at a time, or replaced as a set.
// Every change runs in the caller's transaction after lock(), so the per-member cap holds
// under concurrency: a statement alone reads the member's reactions from a snapshot taken
// before a concurrent change commits, and two could each see room for one more.
import { statement, type Queryable } from '../../infra/db/statement';
import type { ReactionRecord } from './reaction';

/** The member's reactions before the toggle, and whether it changed anything. */
export interface Toggled {
  old: string[];
  changed: boolean;
}

interface ToggleParams {
  message_id: string;
  user_id: string;
  emoji: string;
}

interface ToggleRow {
  old: string[];
  changed: number;
}

// Each toggle is one statement that reads the member's reactions as they were and
// changes them, so old/new lists describe exactly this change.
const add = statement<ToggleParams & { max: number }, ToggleRow>(
  'reaction-add',
  `
WITH old AS (
  SELECT coalesce(array_agg(emoji ORDER BY created_at, emoji), '{}') AS emojis
    FROM reactions WHERE message_id = :message_id::uuid AND user_id = :user_id::uuid
), ins AS (
  INSERT INTO reactions (message_id, user_id, emoji)
  SELECT :message_id::uuid, :user_id::uuid, :emoji FROM old
   WHERE cardinality(old.emojis) < :max::int
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT old.emojis AS old, (SELECT count(*) FROM ins)::int AS changed FROM old`,
);

const remove = statement<ToggleParams, ToggleRow>(
  'reaction-remove',
  `
WITH old AS (
  SELECT coalesce(array_agg(emoji ORDER BY created_at, emoji), '{}') AS emojis
    FROM reactions WHERE message_id = :message_id::uuid AND user_id = :user_id::uuid
), del AS (
  DELETE FROM reactions
   WHERE message_id = :message_id::uuid AND user_id = :user_id::uuid AND emoji = :emoji
  RETURNING 1
)
SELECT old.emojis AS old, (SELECT count(*) FROM del)::int AS changed FROM old`,
);

// One member's changes on one message queue here until the transaction ends; the hash may
// collide (two pairs then merely wait for each other).
const lock = statement<{ message_id: string; user_id: string }>(
  'reaction-lock',
  `SELECT pg_advisory_xact_lock(hashtextextended(:message_id || '/' || :user_id, 0))`,
);

// The member's set becomes exactly :emojis (the caller checked its size).
const replace = statement<{ message_id: string; user_id: string; emojis: string[] }, ToggleRow>(
  'reaction-replace',
  `
WITH old AS (
  SELECT coalesce(array_agg(emoji ORDER BY created_at, emoji), '{}') AS emojis
    FROM reactions WHERE message_id = :message_id::uuid AND user_id = :user_id::uuid
), del AS (
  DELETE FROM reactions
   WHERE message_id = :message_id::uuid AND user_id = :user_id::uuid
     AND NOT (emoji = ANY (:emojis::text[]))
  RETURNING 1
), ins AS (
  INSERT INTO reactions (message_id, user_id, emoji)
  SELECT :message_id::uuid, :user_id::uuid, e FROM unnest(:emojis::text[]) AS e
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT old.emojis AS old, ((SELECT count(*) FROM del) + (SELECT count(*) FROM ins))::int AS changed
  FROM old`,
);

const ofMessage = statement<
  { message_id: string },
  { user_id: string; emoji: string; created_at: Date }
>(
  'reactions-of-message',
  `SELECT user_id, emoji, created_at FROM reactions WHERE message_id = :message_id::uuid
   ORDER BY created_at, emoji`,
);

const toggled = (r: ToggleRow | undefined): Toggled => ({
  old: r?.old ?? [],
  changed: (r?.changed ?? 0) > 0,
});

/** Each method runs on `tx`, a transaction in which lock() was taken for the same pair. */
export const reactionsRepository = {
  async lock(tx: Queryable, messageId: string, userId: string): Promise<void> {
    await lock.run(tx, { message_id: messageId, user_id: userId });
  },

  /** Adds `emoji` unless the member already has `max` reactions on the message. */
  async add(
    tx: Queryable,
    messageId: string,
    userId: string,
    emoji: string,
    max: number,
  ): Promise<Toggled> {
    return toggled(await add.first(tx, { message_id: messageId, user_id: userId, emoji, max }));
  },

  async remove(tx: Queryable, messageId: string, userId: string, emoji: string): Promise<Toggled> {
    return toggled(await remove.first(tx, { message_id: messageId, user_id: userId, emoji }));
  },

  async replace(
    tx: Queryable,
    messageId: string,
    userId: string,
    emojis: string[],
  ): Promise<Toggled> {
    return toggled(await replace.first(tx, { message_id: messageId, user_id: userId, emojis }));
  },

  /** Everyone's reactions on the message, oldest first, as `tx` sees them. */
  async ofMessage(tx: Queryable, messageId: string): Promise<ReactionRecord[]> {
    const rows = await ofMessage.run(tx, { message_id: messageId });
    return rows.map((r) => ({ userId: r.user_id, emoji: r.emoji, createdAt: r.created_at }));
  },
};
