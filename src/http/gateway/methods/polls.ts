import { z } from 'zod';
import { pollOptions, pollQuestion } from '../../../domain/polls/polls.schemas';
import { parse } from '../../../domain/validation';
import { tgMessage } from '../shapes';
import type { Method } from './types';
import { flag, id, requiredId, text } from './args';

export const pollArgs = z.object({
  chat_id: requiredId,
  question: text.pipe(pollQuestion),
  // Telegram sends strings or InputPollOption objects ({text}); Koto sends strings.
  options: z
    .array(z.union([z.string(), z.object({ text: z.string() }).transform((o) => o.text)]))
    .pipe(pollOptions),
  is_anonymous: flag.default(true),
  allows_multiple_answers: flag.default(false),
  reply_to_message_id: id.optional(),
});

export const sendPoll: Method = async ({ ids, bot, params, services }) => {
  const a = parse(pollArgs, params);
  const sent = await services.polls.send(bot, a.chat_id, {
    question: a.question,
    options: a.options,
    isAnonymous: a.is_anonymous,
    allowsMultipleAnswers: a.allows_multiple_answers,
    replyToId: a.reply_to_message_id,
  });
  return tgMessage(ids, sent);
};
