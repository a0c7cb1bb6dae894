import { z } from 'zod';
import { parse } from '../../../domain/validation';
import type { Method } from './types';
import { requiredId } from './args';
import { MAX_REACTIONS_PER_MEMBER } from '../../../domain/reactions/reactions.schemas';
import { tgMessage, tgUser } from '../shapes';

/** What getMe says a bot here can do (the self-hosted gateway says the same). */
export const botCapabilities = (hasMainWebApp: boolean) => ({
  can_join_groups: true,
  // Every bot member of a group sees every message (there is no privacy mode).
  can_read_all_group_messages: true,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: hasMainWebApp,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
});

export const getMe: Method = ({ bot, ids, style }) =>
  Promise.resolve({
    id: ids.user({ tgId: Number(bot.user.tgId), isBot: true }),
    is_bot: true,
    first_name: bot.user.displayName,
    username: bot.user.username,
    ...botCapabilities(bot.webappUrl !== null),
    // Not Telegram fields, so on the Koto form only: the bot's end-to-end identity and mini app.
    ...(style === 'koto' && {
      public_key: bot.user.publicKey,
      key_custody: bot.keyCustody,
      webapp_url: bot.webappUrl,
    }),
  });

export const getChatArgs = z.object({ chat_id: requiredId });

/** There are no gifts here. */
const NO_GIFTS = {
  unlimited_gifts: false,
  limited_gifts: false,
  unique_gifts: false,
  premium_subscription: false,
  gifts_from_channels: false,
};

export const getChat: Method = async ({ ids, style, bot, params, services }) => {
  const { chat_id } = parse(getChatArgs, params);
  const found = await services.chats.getForBot(bot, chat_id);
  const { chat } = found;
  // A managed bot reads its pinned box opened, as it reads its updates.
  const pinned = found.pinned && (await services.boxes.revealMessage(bot, found.pinned));
  // A private chat is named after the other party, as Telegram describes it to a bot.
  const other = chat.type === 'private' ? chat.members.find((m) => m.id !== bot.userId) : undefined;
  return {
    id: ids.chat({ chatId: chat.id, chatType: chat.type, chatTgId: chat.tgId }),
    type: chat.type,
    ...(chat.type === 'group' && { title: chat.title }),
    ...(other && { first_name: other.displayName || other.username, username: other.username }),
    // The Koto reference lists the members; Telegram's ChatFullInfo has its own fixed fields.
    ...(style === 'koto'
      ? { members: chat.members.map((m) => tgUser(ids, m)) }
      : {
          accent_color_id: 0,
          max_reaction_count: MAX_REACTIONS_PER_MEMBER,
          accepted_gift_types: NO_GIFTS,
        }),
    ...(pinned && { pinned_message: tgMessage(ids, pinned) }),
  };
};
