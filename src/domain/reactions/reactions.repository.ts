// A member's reactions on a message, toggled one emoji at a time.
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';

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

const toggled = (r: ToggleRow | undefined): Toggled => ({
  old: r?.old ?? [],
  changed: (r?.changed ?? 0) > 0,
});

export class ReactionsRepository {
  constructor(private readonly sql: Sql) {}

  /** Adds `emoji` unless the member already has `max` reactions on the message. */
  async add(messageId: string, userId: string, emoji: string, max: number): Promise<Toggled> {
    return toggled(
      await add.first(this.sql, { message_id: messageId, user_id: userId, emoji, max }),
    );
  }

  async remove(messageId: string, userId: string, emoji: string): Promise<Toggled> {
    return toggled(await remove.first(this.sql, { message_id: messageId, user_id: userId, emoji }));
  }
}
