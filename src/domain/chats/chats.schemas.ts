import { z } from 'zod';
import { nameField } from '../names';

const uuid = z.uuid('must be a UUID');

export const openChatBody = z.union(
  [
    z.strictObject({ bot_id: uuid }),
    z.strictObject({
      username: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^@?[a-z][a-z0-9_]{2,31}$/, 'must be a username')
        .transform((u) => u.replace(/^@/, '')),
    }),
    z.strictObject({
      type: z.literal('group'),
      title: nameField(128),
      member_ids: z.array(uuid).max(200, 'at most 200 members').default([]),
      bot_ids: z.array(uuid).max(20, 'at most 20 bots').default([]),
    }),
  ],
  {
    error: 'send {bot_id} or {username} for a private chat, or {type: "group", title, member_ids}',
  },
);

export const addMemberBody = z.union(
  [z.strictObject({ bot_id: uuid }), z.strictObject({ user_id: uuid })],
  {
    error: 'send {bot_id} or {user_id}',
  },
);

export const chatQuery = z.object({ chat_id: z.string().max(64) });

export type OpenChat = z.infer<typeof openChatBody>;
export type NewGroup = Extract<OpenChat, { type: 'group' }>;
export type NewMember = z.infer<typeof addMemberBody>;

/** Telegram's sendChatAction values. */
export const CHAT_ACTIONS = [
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
] as const;

export type ChatAction = (typeof CHAT_ACTIONS)[number];

export const chatAction = z
  .enum(CHAT_ACTIONS, { error: `must be one of ${CHAT_ACTIONS.join(', ')}` })
  .default('typing');

export const chatActionBody = z.strictObject({ chat_id: z.string().max(64), action: chatAction });

/** POST /chats/:id/read: the newest message read (an older one leaves the marker as it is). */
export const readBody = z.strictObject({ message_id: uuid });
