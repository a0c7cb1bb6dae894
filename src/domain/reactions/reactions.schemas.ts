import { z } from 'zod';

/** Distinct emoji one member may put on one message (as Telegram's premium limit). */
export const MAX_REACTIONS_PER_MEMBER = 3;

// One emoji: a single RGI emoji (ZWJ sequences, flags, keycaps and skin tones included).
const EMOJI = /^\p{RGI_Emoji}$/v;

export const emoji = z
  .string()
  .max(32, 'must be one emoji')
  .refine((s) => EMOJI.test(s), 'must be one emoji');

export const userReactionBody = z.strictObject({ emoji });

export const botReactionBody = z.strictObject({
  chat_id: z.string().max(64),
  message_id: z.string().max(64),
  emoji,
  /** The Koto reference's toggle: true (default) adds, false removes. */
  add: z.boolean().default(true),
});
