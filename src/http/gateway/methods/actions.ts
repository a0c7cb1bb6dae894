// What a bot does to messages and chats beyond sending: keyboards, deletes, forwards, pins,
// reactions, chat actions. Telegram's and the Koto reference's parameter forms both work.
import { z } from 'zod';
import { chatAction } from '../../../domain/chats/chats.schemas';
import { appError, invalid } from '../../../domain/errors';
import { forwardLabel } from '../../../domain/messages/messages.schemas';
import { emoji } from '../../../domain/reactions/reactions.schemas';
import { parse } from '../../../domain/validation';
import { buttonsFrom } from '../markup';
import { tgMessage } from '../shapes';
import type { Method } from './types';
import { flag, id, messageText, replyArgs, replyTarget, requiredId, text } from './args';

const ref = { chat_id: requiredId, message_id: requiredId };
export const refArgs = z.object(ref);
const refOf = (a: { chat_id: string; message_id: string }) => ({
  chatId: a.chat_id,
  messageId: a.message_id,
});

export const markupArgs = z.object({ ...ref, reply_markup: z.unknown().optional() });

/** An empty (or absent) markup removes the keyboard. */
export const editMessageReplyMarkup: Method = async ({ ids, bot, params, services }) => {
  const a = parse(markupArgs, params);
  const buttons = buttonsFrom(a.reply_markup) ?? [];
  const edited = await services.edits.editReplyMarkup(bot, refOf(a), buttons);
  // A managed bot reads its own box opened, as everywhere.
  return tgMessage(ids, await services.boxes.revealMessage(bot, edited));
};

export const deleteMessage: Method = async ({ bot, params, services }) => {
  await services.edits.deleteAsBot(bot, refOf(parse(refArgs, params)));
  return true;
};

const kotoForwardArgs = z.object({
  chat_id: requiredId,
  text: messageText,
  from: text.pipe(forwardLabel).optional(),
});

export const telegramForwardArgs = z.object({
  chat_id: requiredId,
  from_chat_id: requiredId,
  message_id: requiredId,
});

/**
 * Koto: `{chat_id, text, from?}` posts text labelled "forwarded from". Telegram:
 * `{chat_id, from_chat_id, message_id}` forwards a message of a chat the bot is in, labelled
 * with its sender's name.
 */
export const forwardMessage: Method = async ({ ids, bot, params, services }) => {
  const koto = (params as { text?: unknown }).text !== undefined;
  let content: string;
  let from: string;
  let chatId: string;
  if (koto) {
    const a = parse(kotoForwardArgs, params);
    [chatId, content, from] = [a.chat_id, a.text, a.from ?? bot.name];
  } else {
    const a = parse(telegramForwardArgs, params);
    const source = await services.messages.readAsBot(bot, {
      chatId: a.from_chat_id,
      messageId: a.message_id,
    });
    if (!source.content.trim()) {
      throw appError('unsupported', { detail: 'only text messages can be forwarded' });
    }
    [chatId, content, from] = [a.chat_id, source.content, source.sender.displayName];
  }
  const sent = await services.messages.sendAsBot(bot, chatId, { content, forwardFrom: from });
  return tgMessage(ids, sent);
};

export const copyArgs = z.object({
  chat_id: requiredId,
  from_chat_id: requiredId,
  message_id: requiredId,
  reply_markup: z.unknown().optional(),
  ...replyArgs,
});

/**
 * A text message of a chat the bot reads, sent again as the bot's own without a forward
 * label (its keyboard only if given); Telegram answers just the new message's id.
 */
export const copyMessage: Method = async ({ ids, bot, params, services }) => {
  const a = parse(copyArgs, params);
  const source = await services.messages.readAsBot(bot, {
    chatId: a.from_chat_id,
    messageId: a.message_id,
  });
  if (source.media || source.poll || !source.content.trim()) {
    throw appError('unsupported', { detail: 'only text messages can be copied' });
  }
  const buttons = buttonsFrom(a.reply_markup);
  const sent = await services.messages.sendAsBot(bot, a.chat_id, {
    content: source.content,
    ...(buttons?.length && { payload: { buttons } }),
    replyToId: replyTarget(a),
  });
  return { message_id: ids.message(sent) };
};

export const pinChatMessage: Method = async ({ bot, params, services }) => {
  await services.pins.pin(bot, refOf(parse(refArgs, params)));
  return true;
};

export const unpinArgs = z.object({ chat_id: requiredId, message_id: id.optional() });

export const unpinChatMessage: Method = async ({ bot, params, services }) => {
  const a = parse(unpinArgs, params);
  await services.pins.unpin(bot, a.chat_id, a.message_id);
  return true;
};

export const reactionArgs = z.object({
  ...ref,
  emoji: emoji.optional(),
  add: flag.default(true),
  reaction: z.array(z.object({ type: z.string(), emoji: z.string().optional() })).optional(),
});

/**
 * Koto: `{emoji, add?}` toggles one reaction. Telegram: `reaction` is the bot's whole new
 * set (empty: none), replaced in one transaction.
 */
export const setMessageReaction: Method = async ({ bot, params, services }) => {
  const a = parse(reactionArgs, params);
  const target = refOf(a);
  if (a.emoji !== undefined) {
    await services.reactions.setAsBot(bot, target, a.emoji, a.add);
    return true;
  }
  const { reaction } = parse(z.object({ reaction: z.array(emoji) }), {
    reaction: (a.reaction ?? []).map(emojiOf),
  });
  await services.reactions.replaceAsBot(bot, target, reaction);
  return true;
};

function emojiOf(r: { type: string; emoji?: string }): string {
  if (r.type !== 'emoji' || !r.emoji) throw invalid('reaction', 'only emoji reactions');
  return r.emoji;
}

export const actionArgs = z.object({ chat_id: requiredId, action: chatAction });

export const sendChatAction: Method = async ({ bot, params, services }) => {
  const a = parse(actionArgs, params);
  await services.chatActions.send(bot, a.chat_id, a.action);
  return true;
};
