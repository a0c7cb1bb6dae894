// The Quanta API's update object (the same JSON a webhook POST carries): `type` and a
// payload per kind, message payloads as the Quanta reference describes them.
import type { MessageRecord } from '../../domain/messages/message';
import type { Update } from '../../domain/updates/update';
import {
  botMediaUrl,
  toMediaView,
  toMessengerMessage,
  toPollView,
} from '../messenger/message-view';

export interface QuantaUpdate {
  id: string;
  update_id: number;
  type: Update['kind'];
  payload: Record<string, unknown>;
  created_at: string;
}

export function toQuantaUpdate(u: Update): QuantaUpdate {
  return {
    id: u.id,
    update_id: u.updateId,
    type: u.kind,
    payload: payloadOf(u),
    created_at: u.createdAt.toISOString(),
  };
}

function payloadOf(u: Update): Record<string, unknown> {
  switch (u.kind) {
    case 'message':
    case 'edited_message': {
      const p = quotedPayload(u.message, u.inlineMedia);
      p.is_command = u.command !== null;
      p.command = u.command?.name ?? null;
      p.command_args = u.command?.args ?? null;
      if (u.message.replyToId) p.reply_to_message_id = u.message.replyToId;
      if (u.message.replyTo) p.reply_to_message = quotedPayload(u.message.replyTo);
      return p;
    }
    case 'callback':
      return {
        callback_id: u.callbackId,
        chat_id: u.message.chatId,
        chat_type: u.message.chatType,
        message_id: u.message.id,
        user_id: u.from.id,
        username: u.from.username,
        data: u.data,
        message: toMessengerMessage(u.message),
      };
    case 'poll_answer':
      return {
        poll_id: u.pollId,
        message_id: u.messageId,
        chat_id: u.chatId,
        chat_type: u.chatType,
        user_id: u.voter.id,
        username: u.voter.username,
        option_ids: u.optionIds,
        created_at: u.at.toISOString(),
      };
    case 'message_reaction':
      return {
        chat_id: u.chatId,
        message_id: u.messageId,
        user_id: u.actor.id,
        username: u.actor.username,
        old_reaction: u.old,
        new_reaction: u.new,
        chat_type: u.chatType,
        created_at: u.at.toISOString(),
      };
  }
}

/**
 * A message inside a bot payload, also as `reply_to_message`: no command parsing and no
 * nested quote. `content` is the caption of a photo or document.
 */
function quotedPayload(m: MessageRecord, inlineMedia?: string | null): Record<string, unknown> {
  // Assigned one by one, not spread from conditional literals: this runs 100 times per read.
  const p: Record<string, unknown> = {
    message_id: m.id,
    chat_id: m.chatId,
    chat_type: m.chatType,
    user_id: m.sender.id,
    username: m.sender.username,
    content: m.content,
  };
  for (const _ in m.payload) {
    p.payload = m.payload;
    break;
  }
  if (m.media) p.media = toMediaView(m.media, botMediaUrl(m.media.id), inlineMedia);
  if (m.poll) p.poll = toPollView(m.poll);
  if (m.forwardFrom) p.forward_from = m.forwardFrom;
  p.created_at = m.createdAt.toISOString();
  if (m.editedAt) p.edited_at = m.editedAt.toISOString();
  return p;
}
