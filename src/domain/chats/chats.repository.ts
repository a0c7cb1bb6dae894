// What every send needs of a chat, in one hot statement: its type and its members.
import { LRUCache } from 'lru-cache';
import type { Sql } from '../../infra/db/prisma';
import type { ChatType } from '../messages/message';
import { statement } from '../../infra/db/statement';
import { GroupCommit, type Outcome } from '../../infra/group-commit';
import { recipientReadBatchSize } from '../../infra/metrics';

export interface RecipientRow {
  chat_id: string;
  chat_type: ChatType;
  /** int8, as text. */
  chat_tg_id: string;
  chat_title: string | null;
  user_id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  public_key: string | null;
  bot_id: string | null;
  permissions: string[] | null;
  /** The chat's fingerprint (the same on each of its rows); see FINGERPRINT. */
  fingerprint: string;
}

const MEMBERS = `
  FROM chats c
  JOIN chat_members cm ON cm.chat_id = c.id
  JOIN users u ON u.id = cm.user_id
  LEFT JOIN bots b ON b.user_id = u.id AND b.is_active
 WHERE c.id = ANY(:chat_ids::uuid[])`;

/**
 * Changes with any column an audience is built from, over the chat's member rows in any
 * order (a sum of row hashes): what the cache audit compares.
 */
const FINGERPRINT = `sum(hashtextextended(row(c.type, c.tg_id, c.title, u.id, u.username,
  u.display_name, u.is_bot, u.public_key, b.id, b.permissions)::text, 0))`;

const recipients = statement<{ chat_ids: string[] }, RecipientRow>(
  'recipients',
  `
SELECT c.id::text AS chat_id, c.type::text AS chat_type, c.tg_id AS chat_tg_id, c.title AS chat_title,
       u.id AS user_id, u.username, u.display_name, u.is_bot, u.public_key, b.id AS bot_id, b.permissions,
       (${FINGERPRINT} OVER (PARTITION BY c.id))::text AS fingerprint
${MEMBERS}`,
);

const fingerprints = statement<{ chat_ids: string[] }, { chat_id: string; fingerprint: string }>(
  'recipients-audit',
  `SELECT c.id::text AS chat_id, (${FINGERPRINT})::text AS fingerprint ${MEMBERS} GROUP BY c.id`,
);

// The gateway's chat_id as a Telegram client writes it: a person's id is the private chat with
// the bot (its key is the two user ids sorted as JavaScript sorts them: byte order, "C"), a
// negative id a group's. One statement, as the send that follows is.
const privateChatByTgId = statement<{ tg_id: string; bot_user_id: string }, { id: string }>(
  'private-chat-by-tg-id',
  `
SELECT c.id FROM users u
  JOIN chats c ON c.private_key =
       CASE WHEN u.id::text COLLATE "C" < :bot_user_id::text COLLATE "C"
            THEN u.id::text || ':' || :bot_user_id::text
            ELSE :bot_user_id::text || ':' || u.id::text END
 WHERE u.tg_id = :tg_id::bigint`,
);

const groupByTgId = statement<{ tg_id: string }, { id: string }>(
  'group-by-tg-id',
  `SELECT id FROM chats WHERE tg_id = :tg_id::bigint AND type = 'group' LIMIT 1`,
);

export class ChatsRepository {
  /**
   * Concurrent reads share one statement (as sends share one write, see group-commit.ts):
   * each still starts after its caller asked, so it sees every change committed before.
   */
  private readonly reads = new GroupCommit<string, RecipientRow[]>((chatIds) =>
    this.readMany(chatIds),
  );

  /** Telegram-form chat ids resolved (chatIdByTgId): a Telegram library's every send names one. */
  private readonly byTgId = new LRUCache<string, string>({ max: 20_000 });

  constructor(private readonly sql: Sql) {}

  /** One row per member; none when the chat does not exist. `chatId` must be a UUID. */
  recipients(chatId: string): Promise<RecipientRow[]> {
    return this.reads.submit(chatId);
  }

  /**
   * The private chat of the person with this Telegram id and the bot, or a group's. Found
   * ids are kept: a chat's tg_id and its members' are set when it is made and never change,
   * and a chat gone since answers "chat not found" at the send as a miss would. Misses are
   * not kept (the chat may be opened next).
   */
  async chatIdByTgId(tgId: bigint, botUserId: string): Promise<string | undefined> {
    const key = tgId < 0n ? String(tgId) : `${tgId}:${botUserId}`;
    const known = this.byTgId.get(key);
    if (known !== undefined) return known;
    const row =
      tgId < 0n
        ? await groupByTgId.first(this.sql, { tg_id: String(tgId) })
        : await privateChatByTgId.first(this.sql, { tg_id: String(tgId), bot_user_id: botUserId });
    if (row) this.byTgId.set(key, row.id);
    return row?.id;
  }

  /** The current fingerprint of each of these chats that still has members. */
  async fingerprints(chatIds: string[]): Promise<Map<string, string>> {
    const rows = await fingerprints.run(this.sql, { chat_ids: chatIds });
    return new Map(rows.map((r) => [r.chat_id, r.fingerprint]));
  }

  private async readMany(chatIds: string[]): Promise<Outcome<RecipientRow[]>[]> {
    // Postgres answers ids in lower case; a caller may have written one in upper case.
    const ids = chatIds.map((id) => id.toLowerCase());
    const rows = await recipients.run(this.sql, { chat_ids: [...new Set(ids)] });
    recipientReadBatchSize.observe(ids.length);
    const byChat = new Map<string, RecipientRow[]>();
    for (const r of rows) {
      const members = byChat.get(r.chat_id);
      if (members) members.push(r);
      else byChat.set(r.chat_id, [r]);
    }
    return ids.map((id) => ({ ok: true, value: byChat.get(id) ?? [] }));
  }
}
