// The event feed as the messenger reads it: `{id, type, data, created_at}`, data per kind.
import type { FeedEvent } from '../../domain/events/event';
import { summarizeReactions, toMessengerMessage, toPollView } from './message-view';
import { toPersonView } from './user-view';

export interface MessengerEvent {
  id: string;
  type: FeedEvent['kind'];
  data: Record<string, unknown>;
  created_at: string;
}

export function toMessengerEvent(e: FeedEvent): MessengerEvent {
  return { id: e.seq, type: e.kind, data: dataOf(e), created_at: e.createdAt.toISOString() };
}

function dataOf(e: FeedEvent): Record<string, unknown> {
  switch (e.kind) {
    case 'message.new':
    case 'message.edited':
      return { ...toMessengerMessage(e.message) };
    case 'message.deleted':
      return {
        chat_id: e.chatId,
        message_id: e.messageId,
        deleted_at: e.at.toISOString(),
        ...(e.unpinned && { unpinned: true }),
      };
    case 'message.reaction':
      return {
        chat_id: e.chatId,
        message_id: e.messageId,
        user_id: e.actor.id,
        username: e.actor.username,
        old_reaction: e.old,
        new_reaction: e.new,
        reactions: summarizeReactions(e.reactions),
      };
    case 'message.pinned':
      return { chat_id: e.chatId, message: toMessengerMessage(e.message) };
    case 'message.unpinned':
      return { chat_id: e.chatId, message_id: e.messageId };
    case 'poll.updated':
      return { chat_id: e.chatId, message_id: e.messageId, poll: toPollView(e.poll) };
    case 'callback.answered':
      return {
        callback_id: e.callbackId,
        answered: true,
        ...(e.text !== null && { text: e.text }),
        show_alert: e.showAlert,
        chat_id: e.chatId,
        message_id: e.messageId,
      };
    case 'chat.member_left':
      return { chat_id: e.chatId, user: toPersonView(e.member) };
    case 'chat.member_removed':
      return { chat_id: e.chatId, user: toPersonView(e.member), removed_by: toPersonView(e.by) };
    case 'chat.action':
      return {
        chat_id: e.chatId,
        user_id: e.actor.id,
        username: e.actor.username,
        action: e.action,
        expires_at: e.expiresAt.toISOString(),
      };
  }
}
