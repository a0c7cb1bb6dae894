import { z } from 'zod';
import { nameField } from '../names';
import { publicKey } from '../e2e/e2e.schemas';
import { webAppUrlShape } from '../webapps/webapp-url';

export const PERMISSIONS = ['read_messages', 'send_messages'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const command = z.object({
  command: z.string().regex(/^[a-z0-9_]{1,32}$/, 'must be 1-32 characters of a-z, 0-9 and _'),
  description: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters'),
});

export const commands = z
  .array(command)
  .max(100, 'at most 100 commands')
  .refine((cs) => new Set(cs.map((c) => c.command)).size === cs.length, 'commands must be unique');

const MAX_AVATAR_CHARS = 512 * 1024;
/** An http(s) URL, or an image as base64 (optionally a data: URL). */
export const avatar = z
  .string()
  .max(MAX_AVATAR_CHARS, 'must be at most 512 KiB')
  .refine(
    (s) =>
      /^https?:\/\/[^\s]{1,2040}$/.test(s) ||
      /^(data:image\/[a-z0-9.+-]+;base64,)?[A-Za-z0-9+/]+={0,2}$/.test(s),
    'must be an http(s) URL or base64 image data',
  );

/** The profile texts, as both the owner and the bot itself may set them. */
export const botName = nameField(64);
export const botDescription = z.string().max(512, 'must be at most 512 characters');
export const botShortDescription = z.string().max(120, 'must be at most 120 characters');

export const registerBotBody = z.strictObject({
  name: botName,
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_]{1,28}bot$/, 'must be 4-32 characters of a-z, 0-9, _ ending in "bot"')
    .optional(),
  description: botDescription.optional(),
  avatar: avatar.optional(),
  commands: commands.optional(),
  permissions: z
    .array(z.enum(PERMISSIONS))
    .max(PERMISSIONS.length)
    .transform((ps) => [...new Set(ps)])
    .optional(),
  /** Self custody: the owner keeps the secret half; absent, the platform makes a managed pair. */
  public_key: publicKey.optional(),
});

export const setCommandsBody = z.strictObject({ commands });

/**
 * The owner's edit of a bot (the console): any of the profile texts, the command list, the
 * avatar (null removes it) and the mini app (a null URL removes it); absent fields stay.
 */
export const editBotBody = z
  .strictObject({
    name: botName.optional(),
    description: botDescription.optional(),
    short_description: botShortDescription.optional(),
    commands: commands.optional(),
    avatar: avatar.nullable().optional(),
    webapp_url: webAppUrlShape.nullable().optional(),
    webapp_menu_text: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(64, 'must be at most 64 characters')
      .optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
  .refine((b) => b.webapp_menu_text === undefined || typeof b.webapp_url === 'string', {
    path: ['webapp_menu_text'],
    message: 'goes with a webapp_url',
  });

export type BotCommand = z.output<typeof command>;
export type RegisterBotCommand = z.output<typeof registerBotBody>;
export type EditBotCommand = z.output<typeof editBotBody>;
