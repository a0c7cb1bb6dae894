// "typing…" and friends: a bot's passing state, shown to the chat's people for a few
// seconds. It travels as a `chat.action` event carrying `expires_at`; the feed stops
// returning it once expired (events.service.ts) and the retention purge deletes it soon
// after (worker/retention.ts), so it is never stored for long.
import { z } from 'zod';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import { parse } from '../validation';
import type { Fanout } from '../messages/fanout';
import type { ChatsService } from './chats.service';
import { eventsForPeople, requireMember } from './membership';

export const CHAT_ACTION_EVENT = 'chat.action';
/** How long a chat action shows; bots repeat it while they keep working (Telegram: 5 s). */
export const CHAT_ACTION_TTL_MS = 5000;

/** Telegram's sendChatAction values. */
export const CHAT_ACTIONS = [
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
] as const;

const actionBody = z.object({
  chat_id: z.string().max(64),
  action: z
    .enum(CHAT_ACTIONS, { error: `must be one of ${CHAT_ACTIONS.join(', ')}` })
    .default('typing'),
});

export class ChatActionsService {
  constructor(
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  /** send-chat-action `{chat_id, action?}` (default "typing"). */
  async send(bot: BotWithUser, input: unknown): Promise<void> {
    requirePermission(bot, 'send_messages');
    const b = parse(actionBody, input);
    const { members } = await this.chats.recipients(b.chat_id);
    requireMember(members, bot.userId);
    const event = {
      chat_id: b.chat_id,
      user_id: bot.userId,
      username: bot.user.username,
      action: b.action,
      expires_at: new Date(Date.now() + CHAT_ACTION_TTL_MS).toISOString(),
    };
    await this.fanout.write(null, [], eventsForPeople(members, CHAT_ACTION_EVENT, event));
  }
}
