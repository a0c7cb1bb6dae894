// How a message looks to each audience: the messenger UI, and a bot's update payload.
import type { User } from '../../generated/prisma/client';
import type { ParsedCommand } from './commands';
import {
  botMediaUrl,
  toMediaView,
  userMediaUrl,
  type MediaMeta,
  type MediaView,
} from '../media/media-meta';
import { toPollView, type PollRow, type PollView } from '../polls/poll';
import { summarizeReactions, type ReactionRow, type ReactionSummary } from '../reactions/reaction';

export interface MessageRow {
  id: string;
  chatId: string;
  senderId: string;
  content: string;
  payload: unknown;
  replyToId: string | null;
  forwardFrom: string | null;
  createdAt: Date;
  editedAt: Date | null;
  /** Attachments, present when loaded with them (see message-query.ts). */
  media?: MediaMeta | null;
  poll?: PollRow | null;
  reactions?: ReactionRow[];
}

export interface Sender {
  id: string;
  username: string;
  isBot: boolean;
}

export interface MessengerMessage {
  id: string;
  chat_id: string;
  sender: { id: string; username: string; is_bot: boolean };
  content: string;
  payload: unknown;
  created_at: string;
  edited_at?: string;
  reply_to_message_id?: string;
  forward_from?: string;
  media?: MediaView;
  poll?: PollView;
  reactions?: ReactionSummary[];
}

export const senderOf = (u: Pick<User, 'id' | 'username' | 'isBot'>): Sender => ({
  id: u.id,
  username: u.username,
  isBot: u.isBot,
});

export function toMessengerMessage(m: MessageRow, sender: Sender): MessengerMessage {
  return {
    id: m.id,
    chat_id: m.chatId,
    sender: { id: sender.id, username: sender.username, is_bot: sender.isBot },
    content: m.content,
    payload: m.payload ?? {},
    created_at: m.createdAt.toISOString(),
    ...(m.editedAt && { edited_at: m.editedAt.toISOString() }),
    ...(m.replyToId && { reply_to_message_id: m.replyToId }),
    ...(m.forwardFrom && { forward_from: m.forwardFrom }),
    ...(m.media && { media: toMediaView(m.media, userMediaUrl(m.media.id)) }),
    ...(m.poll && { poll: toPollView(m.poll) }),
    ...(m.reactions?.length && { reactions: summarizeReactions(m.reactions) }),
  };
}

export interface PayloadExtras {
  /** The media's bytes, when at hand (a new message): inlined if small enough. */
  bytes?: Buffer | null;
  /** The quoted message, as quotedPayload() shapes it. */
  replyTo?: Record<string, unknown> | null;
}

/** The Quanta reference's update payload for a message, plus chat type and date. */
export function toMessagePayload(
  m: MessageRow,
  sender: Sender,
  chatType: string,
  cmd: ParsedCommand,
  extras: PayloadExtras = {},
): Record<string, unknown> {
  return {
    ...quotedPayload(m, sender, chatType, extras.bytes),
    ...cmd,
    ...(m.replyToId && { reply_to_message_id: m.replyToId }),
    ...(extras.replyTo && { reply_to_message: extras.replyTo }),
  };
}

/**
 * A message inside another bot payload (`reply_to_message`): the message payload without
 * command parsing or a nested quote. `content` is the caption of a photo or document.
 */
export function quotedPayload(
  m: MessageRow,
  sender: Sender,
  chatType: string,
  bytes?: Buffer | null,
): Record<string, unknown> {
  return {
    message_id: m.id,
    chat_id: m.chatId,
    chat_type: chatType,
    user_id: sender.id,
    username: sender.username,
    content: m.content,
    ...(Object.keys((m.payload as object) ?? {}).length > 0 && { payload: m.payload }),
    ...(m.media && { media: toMediaView(m.media, botMediaUrl(m.media.id), bytes) }),
    ...(m.poll && { poll: toPollView(m.poll) }),
    ...(m.forwardFrom && { forward_from: m.forwardFrom }),
    created_at: m.createdAt.toISOString(),
    ...(m.editedAt && { edited_at: m.editedAt.toISOString() }),
  };
}
