// The answers' shapes as zod schemas, for the OpenAPI document and the tests that check the
// answers against it. They name the fields clients rely on and allow more (`.loose()`): the
// views in http/*/ *-view.ts are the source of each answer.
import { z } from 'zod';

const iso = z.string().describe('ISO 8601 time');

export const errorAnswer = z.object({ error: z.string() }).describe('What went wrong, in words');
export const okAnswer = z.object({ ok: z.literal(true) }).loose();

export const publicUser = z
  .object({
    id: z.uuid(),
    username: z.string(),
    display_name: z.string(),
    is_bot: z.boolean(),
    public_key: z.string().nullable().describe('NaCl box public key (base64), null when none'),
    created_at: iso,
  })
  .loose();

export const session = z.object({ user: publicUser, token: z.string() });

export const media = z
  .object({
    id: z.string(),
    kind: z.enum(['photo', 'document']),
    mime: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    url: z.string(),
  })
  .loose();

export const poll = z
  .object({
    id: z.string(),
    message_id: z.string(),
    question: z.string(),
    options: z.array(
      z.object({ id: z.number().int(), text: z.string(), voter_count: z.number().int() }).loose(),
    ),
    total_voter_count: z.number().int(),
    is_anonymous: z.boolean(),
    allows_multiple_answers: z.boolean(),
  })
  .loose();

export const message = z
  .object({
    id: z.uuid(),
    chat_id: z.uuid(),
    sender: z.object({ id: z.uuid(), username: z.string(), is_bot: z.boolean() }).loose(),
    content: z.string(),
    payload: z.unknown(),
    created_at: iso,
    edited_at: iso.optional(),
    reply_to_message_id: z.uuid().optional(),
    forward_from: z.string().optional(),
    media: media.optional(),
    poll: poll.optional(),
  })
  .loose();

export const chat = z
  .object({
    id: z.uuid(),
    type: z.enum(['private', 'group']),
    title: z.string().nullable(),
    members: z.array(
      z
        .object({
          id: z.uuid(),
          username: z.string(),
          display_name: z.string(),
          is_bot: z.boolean(),
        })
        .loose(),
    ),
    pinned_message_id: z.uuid().nullable(),
    created_at: iso,
  })
  .loose();

export const bot = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    owner_id: z.uuid(),
    name: z.string(),
    username: z.string(),
    description: z.string(),
    short_description: z.string(),
    avatar: z.string().nullable(),
    is_active: z.boolean(),
    commands: z.array(z.object({ command: z.string(), description: z.string() })),
    permissions: z.array(z.string()),
    public_key: z.string().describe("the bot's NaCl box public key (base64)"),
    key_custody: z.enum(['managed', 'self']),
    webapp_url: z.string().nullable().describe('the mini app its menu button opens'),
    webapp_menu_text: z.string().nullable().describe("the menu button's label; null: default"),
    created_at: iso,
  })
  .loose();

export const registeredBot = z.object({
  bot,
  api_key: z.string(),
  koto_token: z.string(),
  telegram_token: z.string(),
});

export const sent = z.object({ ok: z.literal(true), message_id: z.uuid(), message });

export const update = z
  .object({
    id: z.uuid(),
    update_id: z.number().int(),
    type: z.enum(['message', 'edited_message', 'callback', 'poll_answer', 'message_reaction']),
    payload: z.record(z.string(), z.unknown()),
    created_at: iso,
  })
  .loose();

export const callbackState = z
  .object({ callback_id: z.string(), answered: z.boolean() })
  .loose()
  .describe('A button tap and its answer, once the bot has answered');

export const event = z
  .object({ type: z.string() })
  .loose()
  .describe("An entry of a person's feed: new, edited or deleted messages, callback answers…");

export const page = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ [key]: z.array(item), next_cursor: z.string().nullable() });

/** The gateway's Telegram envelope. */
export const telegramOk = z.object({ ok: z.literal(true), result: z.unknown() });
export const telegramError = z
  .object({ ok: z.literal(false), error_code: z.number().int(), description: z.string() })
  .loose();
