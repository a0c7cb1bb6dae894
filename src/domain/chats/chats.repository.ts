// What every send needs of a chat, in one hot statement: its type and its members.
import type { Sql } from '../../infra/db/prisma';
import type { ChatType } from '../messages/message';
import { statement } from '../../infra/db/statement';

export interface RecipientRow {
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
}

const recipients = statement<{ chat_id: string }, RecipientRow>(
  'recipients',
  `
SELECT c.type::text AS chat_type, c.tg_id AS chat_tg_id, c.title AS chat_title, u.id AS user_id,
       u.username, u.display_name, u.is_bot, u.public_key, b.id AS bot_id, b.permissions
  FROM chats c
  JOIN chat_members cm ON cm.chat_id = c.id
  JOIN users u ON u.id = cm.user_id
  LEFT JOIN bots b ON b.user_id = u.id AND b.is_active
 WHERE c.id = :chat_id::uuid`,
);

export class ChatsRepository {
  constructor(private readonly sql: Sql) {}

  /** One row per member; none when the chat does not exist. */
  recipients(chatId: string): Promise<RecipientRow[]> {
    return recipients.run(this.sql, { chat_id: chatId });
  }
}
