// What a bot does to messages and chats beyond sending: keyboards, deletes, forwards, pins,
// reactions, chat actions. Telegram's and the Koto reference's parameter forms both work.
import { z } from 'zod';
import { appError, invalid } from '../../../domain/errors';
import { parse } from '../../../domain/validation';
import { emoji, MAX_REACTIONS_PER_MEMBER } from '../../../domain/reactions/reactions.service';
import { buttonsFrom } from '../markup';
import { shapeMessage } from './messages';
import type { Method } from './types';
import { flag, id, text } from './args';

const ref = { chat_id: id.optional(), message_id: id.optional() };

function messageRef(a: { chat_id?: string; message_id?: string }) {
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  if (a.message_id === undefined) throw appError('missing_field', { field: 'message_id' });
  return { chat_id: a.chat_id, message_id: a.message_id };
}

const markupArgs = z.object({ ...ref, reply_markup: z.unknown().optional() });

/** An empty (or absent) markup removes the keyboard. */
export const editMessageReplyMarkup: Method = async ({ bot, params, services }) => {
  const a = parse(markupArgs, params);
  const edited = await services.edits.editReplyMarkup(bot, {
    ...messageRef(a),
    buttons: buttonsFrom(a.reply_markup) ?? [],
  });
  return shapeMessage(services, bot, edited);
};

export const deleteMessage: Method = async ({ bot, params, services }) => {
  const a = parse(z.object(ref), params);
  await services.edits.deleteAsBot(bot, messageRef(a));
  return true;
};

const forwardArgs = z.object({
  chat_id: id.optional(),
  text: text.optional(),
  from: text.optional(),
  from_chat_id: id.optional(),
  message_id: id.optional(),
});

/**
 * Koto: `{chat_id, text, from?}` posts text labelled "forwarded from". Telegram:
 * `{chat_id, from_chat_id, message_id}` forwards a message of a chat the bot is in, labelled
 * with its sender's name.
 */
export const forwardMessage: Method = async ({ bot, params, services }) => {
  const a = parse(forwardArgs, params);
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  let content = a.text;
  let from = a.from;
  if (content === undefined) {
    const source = messageRef({ chat_id: a.from_chat_id, message_id: a.message_id });
    await services.chats.getForBot(bot, { chat_id: source.chat_id });
    const m = (await services.lookups.messages([source.message_id])).get(source.message_id);
    if (!m || m.chatId !== source.chat_id) throw appError('message_not_found');
    if (!m.content)
      throw appError('unsupported', { detail: 'only text messages can be forwarded' });
    content = m.content;
    from ??= m.sender.displayName;
  }
  if (content.trim() === '') throw appError('missing_field', { field: 'text' });
  const sent = await services.messages.forward(bot, {
    chat_id: a.chat_id,
    content,
    ...(from !== undefined && { from }),
  });
  return shapeMessage(services, bot, sent);
};

export const pinChatMessage: Method = async ({ bot, params, services }) => {
  const a = parse(z.object(ref), params);
  await services.pins.pin(bot, messageRef(a));
  return true;
};

export const unpinChatMessage: Method = async ({ bot, params, services }) => {
  const a = parse(z.object(ref), params);
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  await services.pins.unpin(bot, a);
  return true;
};

const reactionArgs = z.object({
  ...ref,
  emoji: z.string().optional(),
  add: flag.optional(),
  reaction: z.array(z.object({ type: z.string(), emoji: z.string().optional() })).optional(),
});

/**
 * Koto: `{emoji, add?}` toggles one reaction. Telegram: `reaction` is the bot's whole new
 * set (empty: none), so the bot's current emoji are diffed against it.
 */
export const setMessageReaction: Method = async ({ bot, params, services }) => {
  const a = parse(reactionArgs, params);
  const target = messageRef(a);
  const set = (emoji: string, add: boolean) =>
    services.reactions.setAsBot(bot, { ...target, emoji, add });
  if (a.emoji !== undefined) {
    await set(a.emoji, a.add ?? true);
    return true;
  }
  const wanted = (a.reaction ?? []).map((r) => {
    if (r.type !== 'emoji' || !r.emoji) throw invalid('reaction', 'only emoji reactions');
    return r.emoji;
  });
  // One write per emoji changed follows: check the whole new set before the first, or a bad
  // emoji or a fourth one is a 400 after the others were already changed.
  const most = `at most ${MAX_REACTIONS_PER_MEMBER} reactions per message`;
  parse(z.object({ reaction: z.array(emoji).max(MAX_REACTIONS_PER_MEMBER, most) }), {
    reaction: [...new Set(wanted)],
  });
  const current = await services.lookups.reactionsBy(target.message_id, bot.userId);
  for (const e of current.filter((c) => !wanted.includes(c))) await set(e, false);
  for (const e of wanted.filter((w) => !current.includes(w))) await set(e, true);
  if (wanted.length === 0 && current.length === 0) {
    // Nothing to change: still check the message exists and the bot may react there.
    await services.chats.getForBot(bot, { chat_id: target.chat_id });
  }
  return true;
};

const actionArgs = z.object({ chat_id: id.optional(), action: z.string().optional() });

export const sendChatAction: Method = async ({ bot, params, services }) => {
  const a = parse(actionArgs, params);
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  await services.chatActions.send(bot, a);
  return true;
};
