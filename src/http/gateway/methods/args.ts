// Parameter types as Telegram clients send them: ids as numbers or strings, numbers and
// booleans as strings in forms and query strings.
import { z } from 'zod';

/** chat_id, message_id, callback_query_id: opaque strings here, numbers in some bots. */
export const id = z.union([z.string(), z.number()]).transform(String);

export const int = z.coerce.number({ error: 'must be an integer' }).int('must be an integer');

export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0']), z.literal(1), z.literal(0)])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 1);

/** Free text; numbers are accepted as their decimal text, as Telegram does. */
export const text = z.union([z.string(), z.number()]).transform(String);
