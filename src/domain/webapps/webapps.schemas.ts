import { z } from 'zod';
import { webAppUrlShape } from './webapp-url';

/** The Quanta and Koto setters' body. */
export const setWebAppBody = z.strictObject({ url: webAppUrlShape });

/** Telegram's MenuButton: a mini app, or back to the command list. */
export const menuButton = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('web_app'),
      text: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
      web_app: z.object({ url: webAppUrlShape }),
    }),
    z.object({ type: z.literal('commands') }),
    z.object({ type: z.literal('default') }),
  ],
  { error: 'type must be web_app, commands or default' },
);

const id = z.string().max(64);

/** The messenger opening a mini app: from a message's web_app button, or the bot's menu. */
export const openWebAppBody = z.strictObject({
  message_id: id.optional(),
  /** In a group, which bot's menu app (a private chat has one bot). */
  bot_id: id.optional(),
});

/** Telegram's limit on sendData. */
export const MAX_WEBAPP_DATA_BYTES = 4096;

export const webAppDataBody = z.strictObject({
  data: z
    .string()
    .min(1, 'must not be empty')
    .refine(
      (d) => Buffer.byteLength(d) <= MAX_WEBAPP_DATA_BYTES,
      `must be at most ${MAX_WEBAPP_DATA_BYTES} bytes`,
    ),
  button_text: z.string().trim().min(1).max(64, 'must be at most 64 characters').optional(),
  init_data: z.string().min(1, 'must not be empty').max(8192, 'must be at most 8192 characters'),
});

export type OpenWebAppCommand = z.output<typeof openWebAppBody>;
export type WebAppDataCommand = z.output<typeof webAppDataBody>;
