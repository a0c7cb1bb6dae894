import { z } from 'zod';
import { webAppUrlShape } from '../webapps/webapp-url';

export const MAX_PAYLOAD_BYTES = 16 * 1024;
/**
 * An encrypted group message's `keys` (the message key boxed per member, ~150 bytes each)
 * are counted apart: a full group's would not fit in 16 KiB.
 */
export const MAX_KEY_BOXES_BYTES = 64 * 1024;

/** The bytes a payload counts against MAX_PAYLOAD_BYTES: all but its `keys`. */
export const payloadBytes = (p: Record<string, unknown>): number =>
  Buffer.byteLength(JSON.stringify({ ...p, keys: undefined }));
const MAX_BUTTONS = 100;

const text = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

const callbackButton = z.strictObject({
  text,
  callback_data: z
    .string()
    .min(1, 'must not be empty')
    .refine((d) => Buffer.byteLength(d) <= 64, 'must be at most 64 bytes'),
});

const urlButton = z.strictObject({
  text,
  url: z
    .string()
    .max(2048)
    .refine((u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    }, 'must be an http or https URL'),
});

/** Opens the bot's mini app at this URL (https; the services check the scheme). */
const webAppButton = z.strictObject({
  text,
  web_app: z.strictObject({ url: webAppUrlShape }),
});

const button = z.union([callbackButton, urlButton, webAppButton], {
  error: 'each button is {text, callback_data}, {text, url} or {text, web_app: {url}}',
});

export const buttons = z
  .array(
    z.array(button).min(1, 'a row needs at least one button').max(8, 'at most 8 buttons per row'),
  )
  .refine((rows) => rows.flat().length <= MAX_BUTTONS, `at most ${MAX_BUTTONS} buttons`);

/** A message's payload: free-form extras, with `buttons` checked when present. */
export const payload = z
  .record(z.string(), z.unknown())
  .refine((p) => payloadBytes(p) <= MAX_PAYLOAD_BYTES, 'must be at most 16 KiB')
  .refine(
    (p) => p.keys === undefined || Buffer.byteLength(JSON.stringify(p.keys)) <= MAX_KEY_BOXES_BYTES,
    'keys must be at most 64 KiB',
  )
  .pipe(z.looseObject({ buttons: buttons.optional() }));

/**
 * Keys the server sets and readers trust (`is_bot` marks a bot's message): a person's message
 * may not carry them, so nobody can pass for a bot.
 */
export const SERVER_PAYLOAD_KEYS = [
  'is_bot',
  'is_command',
  'command',
  'via_bot',
  'web_app_data',
] as const;

/** A person's payload: no server keys, and no buttons (a tap goes to a bot: only bots offer them). */
export const userPayload = payload.superRefine((p, ctx) => {
  for (const key of SERVER_PAYLOAD_KEYS) {
    if (Object.hasOwn(p, key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'is set by the server' });
      return;
    }
  }
  if (Object.hasOwn(p, 'buttons')) {
    ctx.addIssue({ code: 'custom', path: ['buttons'], message: 'only bots may send buttons' });
  }
});

/** The callback_data of every button on a message, for checking a tap. */
export function callbackDataOf(p: unknown): Set<string> {
  const rows = (p as { buttons?: unknown })?.buttons;
  const out = new Set<string>();
  if (!Array.isArray(rows)) return out;
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    for (const b of row) {
      const data = (b as { callback_data?: unknown })?.callback_data;
      if (typeof data === 'string') out.add(data);
    }
  }
  return out;
}
