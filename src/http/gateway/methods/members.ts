// Who is in a chat, as Telegram tells a bot: getChatMember, getChatMemberCount, and the bot
// leaving a group. Only chats the bot is in; only their members (anyone else is "user not
// found": a bot learns nothing about people outside its chats).
import { z } from 'zod';
import { appError } from '../../../domain/errors';
import { parse } from '../../../domain/validation';
import { tgUser } from '../shapes';
import type { Method } from './types';
import { requiredId } from './args';

export const memberArgs = z.object({ chat_id: requiredId, user_id: requiredId });

export const getChatMember: Method = async ({ ids, bot, params, services }) => {
  const a = parse(memberArgs, params);
  const { chat } = await services.chats.getForBot(bot, a.chat_id);
  // The id as this form shows it (integer, Koto id), or the UUID.
  const wanted = a.user_id.toLowerCase();
  const member = chat.members.find(
    (m) => m.id === wanted || String(ids.user(m)).toLowerCase() === wanted,
  );
  if (!member) throw appError('user_not_found');
  const user = tgUser(ids, member);
  return chat.type === 'group' && member.id === chat.createdById
    ? { status: 'creator', user, is_anonymous: false }
    : { status: 'member', user };
};

export const chatArgs = z.object({ chat_id: requiredId });

export const getChatMemberCount: Method = async ({ bot, params, services }) => {
  const { chat_id } = parse(chatArgs, params);
  const { chat } = await services.chats.getForBot(bot, chat_id);
  return chat.members.length;
};

/** A group only (a private chat has no leaving); the group hears it as any member leaving. */
export const leaveChat: Method = async ({ bot, params, services }) => {
  const { chat_id } = parse(chatArgs, params);
  await services.groups.leave(bot.user, chat_id);
  return true;
};
