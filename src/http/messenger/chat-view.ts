import type { ChatRecord } from '../../domain/chats/chats.service';
import type { ChatSummary } from '../../domain/chats/read-markers.service';
import { toMessengerMessage, type MessengerMessage } from './message-view';

export interface ChatMemberView {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  public_key: string | null;
  bot_id?: string;
  key_custody?: string | null;
  /** A bot member's mini app: the messenger shows its menu button. */
  webapp_url?: string | null;
  /** A bot's command menu, for the client to offer when the user types "/". */
  commands?: { command: string; description: string }[];
}

export interface ChatView {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  members: ChatMemberView[];
  pinned_message_id: string | null;
  created_at: string;
  /** Messages from others after my read marker (at most MAX_UNREAD); list and get only. */
  unread_count?: number;
  /** The newest message, for the list's preview; list and get only. */
  last_message?: MessengerMessage | null;
}

/**
 * A chat as `viewerId` sees it: a private chat is titled after the other party; with a
 * summary, the viewer's unread count and the newest message.
 */
export function toChatView(chat: ChatRecord, viewerId: string, summary?: ChatSummary): ChatView {
  const members = chat.members.map((m) => ({
    id: m.id,
    username: m.username,
    display_name: m.displayName,
    is_bot: m.isBot,
    public_key: m.publicKey ?? null,
    ...(m.botId && {
      bot_id: m.botId,
      key_custody: m.keyCustody,
      webapp_url: m.webappUrl,
      commands: m.commands,
    }),
  }));
  const other = members.find((m) => m.id !== viewerId);
  return {
    id: chat.id,
    type: chat.type,
    title: chat.title ?? (chat.type === 'private' ? (other?.display_name ?? null) : null),
    members,
    pinned_message_id: chat.pinnedMessageId,
    created_at: chat.createdAt.toISOString(),
    ...(summary && {
      unread_count: summary.unreadCount,
      last_message: summary.lastMessage && toMessengerMessage(summary.lastMessage),
    }),
  };
}
