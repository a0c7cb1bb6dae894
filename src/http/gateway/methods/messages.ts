import { z } from 'zod';
import { appError } from '../../../domain/errors';
import { parse } from '../../../domain/validation';
import { buttonsFrom } from '../markup';
import { tgMessage } from '../shapes';
import type { Method } from './types';
import { id, messageText, replyArgs, replyTarget, requiredId } from './args';

export const sendMessageArgs = z.object({
  chat_id: requiredId,
  text: messageText,
  reply_markup: z.unknown().optional(),
  ...replyArgs,
});

export const sendMessage: Method = async ({ ids, bot, params, services }) => {
  const a = parse(sendMessageArgs, params);
  const buttons = buttonsFrom(a.reply_markup);
  const sent = await services.messages.sendAsBot(bot, a.chat_id, {
    content: a.text,
    ...(buttons?.length && { payload: { buttons } }),
    replyToId: replyTarget(a),
  });
  return tgMessage(ids, sent);
};

export const editMessageTextArgs = z.object({
  inline_message_id: id.optional(),
  chat_id: requiredId,
  message_id: requiredId,
  text: messageText,
  reply_markup: z.unknown().optional(),
});

/**
 * Edits the text of one of the bot's messages in `chat_id`. A reply_markup given with it
 * replaces the keyboard; without one the keyboard stays (the Koto reference's "edit the
 * text"; Telegram would drop it).
 */
export const editMessageText: Method = async ({ ids, bot, params, services }) => {
  if ((params as { inline_message_id?: unknown }).inline_message_id !== undefined) {
    throw appError('unsupported', { detail: 'inline messages are not supported' });
  }
  const a = parse(editMessageTextArgs, params);
  const ref = { chatId: a.chat_id, messageId: a.message_id };
  const buttons = buttonsFrom(a.reply_markup);
  const edited = buttons
    ? await services.edits.editTextAndMarkup(bot, ref, a.text, buttons)
    : await services.edits.editAsBot(bot, ref, a.text);
  return tgMessage(ids, edited);
};
