// How a message looks to each audience: the messenger UI, and a bot's update payload.
import type { ParsedCommand } from './commands';

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
}

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
  };
}

/** The Quanta reference's update payload for a message, plus chat type and date. */
export function toMessagePayload(
  m: MessageRow,
  sender: Sender,
  chatType: string,
  cmd: ParsedCommand,
): Record<string, unknown> {
  return {
    message_id: m.id,
    chat_id: m.chatId,
    chat_type: chatType,
    user_id: sender.id,
    username: sender.username,
    content: m.content,
    ...cmd,
    ...(m.replyToId && { reply_to_message_id: m.replyToId }),
    ...(Object.keys((m.payload as object) ?? {}).length > 0 && { payload: m.payload }),
    created_at: m.createdAt.toISOString(),
  };
}
