// Parameter types as Telegram clients send them: ids as numbers or strings, numbers and
// booleans as strings in forms and query strings.
import { z } from 'zod';
import { content } from '../../../domain/messages/messages.schemas';

/** chat_id, message_id, callback_query_id: opaque strings here, numbers in some bots. */
export const id = z.union([z.string(), z.number()]).transform(String);

/** A required id; an empty one counts as missing (Telegram: "chat_id is empty"). */
export const requiredId = z.preprocess((v) => (v === '' ? undefined : v), id);

export const int = z.coerce.number({ error: 'must be an integer' }).int('must be an integer');

export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0']), z.literal(1), z.literal(0)])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 1);

/** Free text; numbers are accepted as their decimal text, as Telegram does. */
export const text = z.union([z.string(), z.number()]).transform(String);

/** A message's text: blank counts as missing, and the message rules apply. */
export const messageText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  text.pipe(content),
);

/** reply_to_message_id, or Telegram's newer reply_parameters.message_id. */
export const replyArgs = {
  reply_to_message_id: id.optional(),
  reply_parameters: z.object({ message_id: id }).optional(),
};

export const replyTarget = (a: {
  reply_to_message_id?: string;
  reply_parameters?: { message_id: string };
}) => a.reply_parameters?.message_id ?? a.reply_to_message_id;
