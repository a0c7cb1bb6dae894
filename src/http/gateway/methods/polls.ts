import { z } from 'zod';
import { appError } from '../../../domain/errors';
import { parse } from '../../../domain/validation';
import { shapeMessage } from './messages';
import type { Method } from './types';
import { flag, id, text } from './args';

const pollArgs = z.object({
  chat_id: id.optional(),
  question: text.optional(),
  // Telegram sends strings or InputPollOption objects ({text}); Koto sends strings.
  options: z.array(z.union([z.string(), z.object({ text: z.string() })])).optional(),
  is_anonymous: flag.optional(),
  allows_multiple_answers: flag.optional(),
  reply_to_message_id: id.optional(),
});

export const sendPoll: Method = async ({ bot, params, services }) => {
  const a = parse(pollArgs, params);
  if (a.chat_id === undefined || a.chat_id === '')
    throw appError('missing_field', { field: 'chat_id' });
  const sent = await services.polls.send(bot, {
    chat_id: a.chat_id,
    question: a.question,
    options: a.options?.map((o) => (typeof o === 'string' ? o : o.text)),
    ...(a.is_anonymous !== undefined && { is_anonymous: a.is_anonymous }),
    ...(a.allows_multiple_answers !== undefined && {
      allows_multiple_answers: a.allows_multiple_answers,
    }),
    ...(a.reply_to_message_id !== undefined && { reply_to_message_id: a.reply_to_message_id }),
  });
  return shapeMessage(services, bot, sent);
};
