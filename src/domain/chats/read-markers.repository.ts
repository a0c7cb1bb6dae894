// Read markers and what the chat list shows of each chat (unread count, newest message), in
// one statement per page of chats, on messages(chat_id, number).
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';

/** Unread counts stop here: a badge says "999+", and the count stays one short index scan. */
export const MAX_UNREAD = 1000;

export interface ChatSummaryRow {
  chat_id: string;
  unread_count: number;
  last_message_id: string | null;
}

const summaries = statement<{ user_id: string; chat_ids: string[] }, ChatSummaryRow>(
  'chat_summaries',
  `
SELECT cm.chat_id,
       (SELECT count(*)::int FROM (
          SELECT 1 FROM messages m
           WHERE m.chat_id = cm.chat_id AND m.number > cm.last_read_number
             AND m.sender_id <> cm.user_id AND m.deleted_at IS NULL
           LIMIT ${MAX_UNREAD}) unread) AS unread_count,
       (SELECT m.id FROM messages m
         WHERE m.chat_id = cm.chat_id AND m.deleted_at IS NULL
         ORDER BY m.number DESC LIMIT 1) AS last_message_id
  FROM chat_members cm
 WHERE cm.user_id = :user_id::uuid AND cm.chat_id = ANY(:chat_ids::uuid[])`,
);

// Monotonic: GREATEST keeps a newer marker when an older message id arrives late.
const markRead = statement<
  { chat_id: string; user_id: string; message_id: string },
  { last_read_number: number }
>(
  'mark_read',
  `
UPDATE chat_members cm
   SET last_read_number = GREATEST(cm.last_read_number, m.number)
  FROM messages m
 WHERE cm.chat_id = :chat_id::uuid AND cm.user_id = :user_id::uuid
   AND m.id = :message_id::uuid AND m.chat_id = cm.chat_id
RETURNING cm.last_read_number`,
);

export class ReadMarkersRepository {
  constructor(private readonly sql: Sql) {}

  /** One row per chat of `chatIds` that the user is a member of. */
  summaries(userId: string, chatIds: string[]): Promise<ChatSummaryRow[]> {
    return summaries.run(this.sql, { user_id: userId, chat_ids: chatIds });
  }

  /** The marker after the update; undefined when the user or the message is not in the chat. */
  async markRead(chatId: string, userId: string, messageId: string): Promise<number | undefined> {
    const row = await markRead.first(this.sql, {
      chat_id: chatId,
      user_id: userId,
      message_id: messageId,
    });
    return row?.last_read_number;
  }
}
