// The webhook settings both dialects accept, field by field: the Quanta body is built from
// them here, the gateway's Telegram parameters from the same fields (with its own coercions).
import { z } from 'zod';

export const webhookUrl = z.string().max(2048, 'must be at most 2048 characters');

export const secretToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -');

export const maxConnections = z.number().int().min(1).max(100);

/** Update-log types (`callback`, not Telegram's `callback_query`); empty means all. */
export const allowedUpdates = z.array(z.string().max(32)).max(20);

export const setWebhookBody = z.strictObject({
  url: webhookUrl,
  // Any 16–256 characters, or whsec_<base64> (checked by webhookKey); generated when absent.
  secret: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(256, 'must be at most 256 characters')
    .optional(),
  secret_token: secretToken.optional(),
  max_connections: maxConnections.optional(),
  allowed_updates: allowedUpdates.optional(),
  drop_pending_updates: z.boolean().optional(),
});

export type SetWebhookCommand = z.output<typeof setWebhookBody>;
