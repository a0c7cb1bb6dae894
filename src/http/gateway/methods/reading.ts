import { z } from 'zod';
import { parse } from '../../../domain/validation';
import type { Method } from './types';
import { requiredId } from './args';
import { tgMessage, tgUser } from '../shapes';

export const getMe: Method = ({ bot, ids }) =>
  Promise.resolve({
    id: ids.user({ tgId: Number(bot.user.tgId), isBot: true }),
    is_bot: true,
    first_name: bot.user.displayName,
    username: bot.user.username,
    can_join_groups: true,
    // Every bot member of a group sees every message (there is no privacy mode).
    can_read_all_group_messages: true,
    supports_inline_queries: false,
    public_key: bot.user.publicKey,
    key_custody: bot.keyCustody,
    // Not a Telegram field: the mini app its menu button opens, or null.
    webapp_url: bot.webappUrl,
  });

export const getChatArgs = z.object({ chat_id: requiredId });

export const getChat: Method = async ({ ids, bot, params, services }) => {
  const { chat_id } = parse(getChatArgs, params);
  const found = await services.chats.getForBot(bot, chat_id);
  const { chat } = found;
  // A managed bot reads its pinned box opened, as it reads its updates.
  const pinned = found.pinned && (await services.boxes.revealMessage(bot, found.pinned));
  const members = chat.members.map((m) => tgUser(ids, m));
  // A private chat is named after the other party, as Telegram describes it to a bot.
  const other = chat.type === 'private' ? chat.members.find((m) => m.id !== bot.userId) : undefined;
  return {
    id: ids.chat({ chatId: chat.id, chatType: chat.type, chatTgId: chat.tgId }),
    type: chat.type,
    ...(chat.type === 'group' && { title: chat.title }),
    ...(other && { first_name: other.displayName || other.username, username: other.username }),
    members,
    ...(pinned && { pinned_message: tgMessage(ids, pinned) }),
  };
};
