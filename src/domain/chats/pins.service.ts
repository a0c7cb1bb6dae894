// One pinned message per chat: pinning another replaces it. People hear `message.pinned` /
// `message.unpinned`; getChat shows the pinned message.
import type { Db } from '../../infra/db/prisma';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { Fanout } from '../messages/fanout';
import type { MessageRef } from '../messages/edits.service';
import { findLiveMessage } from '../messages/message-query';
import type { ChatsService } from './chats.service';
import { eventsForPeople } from './membership';

export class PinsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  /** pin-message: any live message of the chat, not only the bot's. */
  async pin(bot: BotWithUser, ref: MessageRef): Promise<void> {
    requirePermission(bot, 'send_messages');
    const { members } = await this.chats.audience(ref.chatId, bot.userId);
    const message = await findLiveMessage(this.db, ref.chatId, ref.messageId);
    await this.db.chat.update({ where: { id: ref.chatId }, data: { pinnedMessageId: message.id } });
    const { replyTo: _quoted, ...shown } = message;
    const event = { kind: 'message.pinned' as const, chatId: ref.chatId, message: shown };
    await this.fanout.write(null, [], eventsForPeople(members, event));
  }

  /**
   * unpin-message; nothing pinned is not an error. With a message id (Telegram's optional
   * one), unpin only if that message is the pinned one.
   */
  async unpin(bot: BotWithUser, chatId: string, messageId?: string): Promise<void> {
    requirePermission(bot, 'send_messages');
    const { members } = await this.chats.audience(chatId, bot.userId);
    const chat = await this.db.chat.findUniqueOrThrow({
      where: { id: chatId },
      select: { pinnedMessageId: true },
    });
    const pinned = chat.pinnedMessageId;
    if (!pinned || (messageId !== undefined && messageId !== pinned)) return;
    const { count } = await this.db.chat.updateMany({
      where: { id: chatId, pinnedMessageId: pinned },
      data: { pinnedMessageId: null },
    });
    if (count === 0) return;
    const event = { kind: 'message.unpinned' as const, chatId, messageId: pinned };
    await this.fanout.write(null, [], eventsForPeople(members, event));
  }
}
