// One pinned message per chat: pinning another replaces it. People hear `message.pinned` /
// `message.unpinned`; getChat shows the pinned message.
import { z } from 'zod';
import type { Db } from '../../infra/db/prisma';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import { parse } from '../validation';
import type { Fanout } from '../messages/fanout';
import { findLiveMessage, viewOf } from '../messages/message-query';
import type { ChatsService } from './chats.service';
import { eventsForPeople, requireMember } from './membership';

const id = z.string().max(64);
const pinBody = z.object({ chat_id: id, message_id: id });
/** Telegram's optional message_id: unpin only if that message is the pinned one. */
const unpinBody = z.object({ chat_id: id, message_id: id.optional() });

export class PinsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  /** pin-message `{chat_id, message_id}`: any live message of the chat, not only the bot's. */
  async pin(bot: BotWithUser, input: unknown): Promise<void> {
    requirePermission(bot, 'send_messages');
    const b = parse(pinBody, input);
    const { members } = await this.chats.recipients(b.chat_id);
    requireMember(members, bot.userId);
    const message = await findLiveMessage(this.db, b.chat_id, b.message_id);
    await this.db.chat.update({
      where: { id: b.chat_id },
      data: { pinnedMessageId: message.id },
    });
    const event = { chat_id: b.chat_id, message: viewOf(message) };
    await this.fanout.write(null, [], eventsForPeople(members, 'message.pinned', event));
  }

  /** unpin-message `{chat_id, message_id?}`; nothing pinned is not an error. */
  async unpin(bot: BotWithUser, input: unknown): Promise<void> {
    requirePermission(bot, 'send_messages');
    const b = parse(unpinBody, input);
    const { members } = await this.chats.recipients(b.chat_id);
    requireMember(members, bot.userId);
    const chat = await this.db.chat.findUniqueOrThrow({
      where: { id: b.chat_id },
      select: { pinnedMessageId: true },
    });
    const pinned = chat.pinnedMessageId;
    if (!pinned || (b.message_id !== undefined && b.message_id !== pinned)) return;
    const { count } = await this.db.chat.updateMany({
      where: { id: b.chat_id, pinnedMessageId: pinned },
      data: { pinnedMessageId: null },
    });
    if (count === 0) return;
    const event = { chat_id: b.chat_id, message_id: pinned };
    await this.fanout.write(null, [], eventsForPeople(members, 'message.unpinned', event));
  }
}
