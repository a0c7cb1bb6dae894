import { z } from 'zod';
import type { BotWithUser } from '../../../domain/bots/bots.service';
import { appError } from '../../../domain/errors';
import { isUuid } from '../../../domain/ids';
import type { MessengerMessage } from '../../../domain/messages/message-view';
import { MAX_CONTENT } from '../../../domain/messages/messages.schemas';
import { buttons as buttonsSchema } from '../../../domain/messages/payload';
import { parse } from '../../../domain/validation';
import type { Services } from '../../../services';
import { buttonsFrom } from '../markup';
import { factsFromView, loadRefs, tgMessage, type TgMessage } from '../shapes';
import { botCard, type Method } from './types';
import { id, text } from './args';

const sendMessageArgs = z.object({
  chat_id: id.optional(),
  text: text.optional(),
  reply_markup: z.unknown().optional(),
  reply_to_message_id: id.optional(),
  reply_parameters: z.object({ message_id: id }).optional(),
});

export const sendMessage: Method = async ({ bot, params, services }) => {
  const a = parse(sendMessageArgs, params);
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  const content = requireText(a.text);
  const replyTo = a.reply_parameters?.message_id ?? a.reply_to_message_id;
  if (replyTo !== undefined && !isUuid(replyTo)) {
    throw appError('reply_target_not_found', { field: 'reply_to_message_id' });
  }
  const buttons = buttonsFrom(a.reply_markup);
  const sent = await services.messages.postAsBot(bot, {
    chat_id: a.chat_id,
    content,
    ...(buttons?.length && { payload: { buttons } }),
    ...(replyTo !== undefined && { reply_to_message_id: replyTo }),
  });
  return shapeMessage(services, bot, sent);
};

const editMessageTextArgs = z.object({
  chat_id: id.optional(),
  message_id: id.optional(),
  inline_message_id: id.optional(),
  text: text.optional(),
  reply_markup: z.unknown().optional(),
});

/**
 * Edits the text of one of the bot's messages in `chat_id`. A reply_markup given with it
 * replaces the keyboard; without one the keyboard stays (the Koto reference's "edit the
 * text"; Telegram would drop it).
 */
export const editMessageText: Method = async ({ bot, params, services }) => {
  const a = parse(editMessageTextArgs, params);
  if (a.inline_message_id !== undefined)
    throw appError('unsupported', { detail: 'inline messages are not supported' });
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  if (a.message_id === undefined) throw appError('missing_field', { field: 'message_id' });
  const ref = { chat_id: a.chat_id, message_id: a.message_id };
  const content = requireText(a.text);
  const buttons = buttonsFrom(a.reply_markup);
  // Two writes follow (the text, then the keyboard): check the keyboard before the first, or
  // a bad one (101 buttons, a 65-byte callback_data…) is a 400 that has edited the text.
  if (buttons) parse(z.object({ reply_markup: buttonsSchema }), { reply_markup: buttons });
  let edited = await services.edits.editAsBot(bot, { ...ref, content });
  if (buttons) edited = await services.edits.editReplyMarkup(bot, { ...ref, buttons });
  return shapeMessage(services, bot, edited);
};

function requireText(t: string | undefined): string {
  if (t === undefined || t.trim() === '') throw appError('missing_field', { field: 'text' });
  if (t.length > MAX_CONTENT)
    throw appError('text_too_long', {
      field: 'text',
      detail: `must be at most ${MAX_CONTENT} characters`,
    });
  return t;
}

/** A message as Telegram returns it (the bot's own, or one it can see), its refs loaded. */
export async function shapeMessage(
  services: Services,
  bot: BotWithUser,
  view: MessengerMessage,
): Promise<TgMessage> {
  const facts = factsFromView(view);
  const refs = await loadRefs(services.lookups, [facts], [], [botCard(bot)]);
  return tgMessage(facts, refs);
}
