// Read markers: how far each person has read in each chat, and what the chat list shows
// from it (the unread count and the newest message).
import type { Db, Sql } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUuid } from '../ids';
import type { MessageRecord } from '../messages/message';
import { messageInclude, toRecord } from '../messages/message-query';
import type { ChatsService } from './chats.service';
import { ReadMarkersRepository } from './read-markers.repository';

export interface ChatSummary {
  /** Messages from others after my marker, up to MAX_UNREAD. */
  unreadCount: number;
  lastMessage: MessageRecord | null;
}

export class ReadMarkersService {
  private readonly repo: ReadMarkersRepository;

  constructor(
    private readonly db: Db,
    sql: Sql,
    private readonly chats: ChatsService,
  ) {
    this.repo = new ReadMarkersRepository(sql);
  }

  /**
   * Moves my marker up to `messageId` (never back) and answers my unread count after it.
   * 404 for a message that is not in the chat, 403 when I am not a member.
   */
  async markRead(user: User, chatId: string, messageId: string): Promise<ChatSummary> {
    const marker =
      isUuid(chatId) && isUuid(messageId)
        ? await this.repo.markRead(chatId, user.id, messageId)
        : undefined;
    if (marker === undefined) {
      await this.chats.get(user, chatId); // chat_not_found or not_a_member first
      throw appError('message_not_found');
    }
    return (await this.summaries(user.id, [chatId])).get(chatId)!;
  }

  /** Per chat id: the unread count and newest message; two queries whatever the page size. */
  async summaries(userId: string, chatIds: string[]): Promise<Map<string, ChatSummary>> {
    if (chatIds.length === 0) return new Map();
    const rows = await this.repo.summaries(userId, chatIds);
    const lastIds = rows.flatMap((r) => (r.last_message_id ? [r.last_message_id] : []));
    const messages = lastIds.length
      ? await this.db.message.findMany({ where: { id: { in: lastIds } }, include: messageInclude })
      : [];
    const byId = new Map(messages.map((m) => [m.id, toRecord(m)]));
    return new Map(
      rows.map((r) => [
        r.chat_id,
        {
          unreadCount: r.unread_count,
          lastMessage: (r.last_message_id && byId.get(r.last_message_id)) || null,
        },
      ]),
    );
  }
}
