// Batch look-ups by id: one statement per kind per batch.
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';

export interface UserCardRow {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
}

export interface MessageCardRow {
  id: string;
  chat_id: string;
  chat_type: string;
  content: string;
  payload: Record<string, unknown> | null;
  reply_to_id: string | null;
  forward_from: string | null;
  created_at: Date;
  edited_at: Date | null;
  sender_id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
}

const users = statement<{ ids: string[] }, UserCardRow>(
  'lookups-users',
  `SELECT id, username, display_name, is_bot FROM users WHERE id = ANY(:ids::uuid[])`,
);

const messages = statement<{ ids: string[] }, MessageCardRow>(
  'lookups-messages',
  `
SELECT m.id, m.chat_id, c.type::text AS chat_type, m.content, m.payload, m.reply_to_id,
       m.forward_from, m.created_at, m.edited_at,
       u.id AS sender_id, u.username, u.display_name, u.is_bot
  FROM messages m
  JOIN chats c ON c.id = m.chat_id
  JOIN users u ON u.id = m.sender_id
 WHERE m.id = ANY(:ids::uuid[]) AND m.deleted_at IS NULL`,
);

const reactionsBy = statement<{ message_id: string; user_id: string }, { emoji: string }>(
  'lookups-reactions-by',
  `
SELECT emoji FROM reactions WHERE message_id = :message_id::uuid AND user_id = :user_id::uuid
 ORDER BY created_at, emoji`,
);

const chatTypes = statement<{ ids: string[] }, { id: string; type: string }>(
  'lookups-chat-types',
  `SELECT id, type::text AS type FROM chats WHERE id = ANY(:ids::uuid[])`,
);

export class DirectoryRepository {
  constructor(private readonly sql: Sql) {}

  users(ids: string[]): Promise<UserCardRow[]> {
    return users.run(this.sql, { ids });
  }

  /** Those not deleted, with their senders and chat types. */
  messages(ids: string[]): Promise<MessageCardRow[]> {
    return messages.run(this.sql, { ids });
  }

  /** The emoji one member has put on a message, oldest first. */
  async reactionsBy(messageId: string, userId: string): Promise<string[]> {
    const rows = await reactionsBy.run(this.sql, { message_id: messageId, user_id: userId });
    return rows.map((r) => r.emoji);
  }

  chatTypes(ids: string[]): Promise<{ id: string; type: string }[]> {
    return chatTypes.run(this.sql, { ids });
  }
}
