import { z } from 'zod';
import { webAppUrlShape } from './webapp-url';

/** The Quanta and Koto setters' body. */
export const setWebAppBody = z.object({ url: webAppUrlShape });

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
