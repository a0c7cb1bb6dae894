import { z } from 'zod';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const pollQuestion = text(300);

export const pollOptions = z
  .array(text(100))
  .min(2, 'a poll needs 2 to 10 options')
  .max(10, 'a poll needs 2 to 10 options')
  .refine((o) => new Set(o).size === o.length, 'options must be different');

export const sendPollBody = z.strictObject({
  chat_id: z.string().max(64),
  question: pollQuestion,
  options: pollOptions,
  is_anonymous: z.boolean().default(true),
  allows_multiple_answers: z.boolean().default(false),
  reply_to_message_id: z.uuid('must be a UUID').optional(),
});

export const voteBody = z.strictObject({
  /** Option indexes; [] retracts the vote. */
  option_ids: z
    .array(z.number().int('must be an integer').min(0, 'must be an option id'))
    .max(10, 'at most 10 options')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an option'),
});
