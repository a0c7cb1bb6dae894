// "typing…" and friends: a bot's passing state, shown to the chat's people for a few
// seconds. It travels as a `chat.action` event carrying its expiry; the feed stops
// returning it once expired (events.service.ts) and the retention purge deletes it soon
// after (worker/retention.ts), so it is never stored for long.
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import { personOf } from '../messages/message-query';
import type { Fanout } from '../messages/fanout';
import type { ChatAction } from './chats.schemas';
import type { ChatsService } from './chats.service';
import { eventsForPeople } from './membership';

export const CHAT_ACTION_EVENT = 'chat.action' as const;
/** How long a chat action shows; bots repeat it while they keep working (Telegram: 5 s). */
export const CHAT_ACTION_TTL_MS = 5000;

export class ChatActionsService {
  constructor(
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  /** send-chat-action: "typing…" and friends, for a few seconds. */
  async send(bot: BotWithUser, chatId: string, action: ChatAction): Promise<void> {
    requirePermission(bot, 'send_messages');
    const { members } = await this.chats.audience(chatId, bot.userId);
    const event = {
      kind: CHAT_ACTION_EVENT,
      chatId,
      actor: personOf(bot.user),
      action,
      expiresAt: new Date(Date.now() + CHAT_ACTION_TTL_MS),
    };
    await this.fanout.write(null, [], eventsForPeople(members, event));
  }
}
