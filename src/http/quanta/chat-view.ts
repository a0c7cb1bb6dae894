import type { BotChat } from '../../domain/chats/chats.service';
import { toChatView } from '../messenger/chat-view';
import { toMessengerMessage } from '../messenger/message-view';

/** get-chat: the chat as its bot member sees it, the pinned message in full. */
export const toBotChat = ({ chat, pinned }: BotChat, botUserId: string) => ({
  ...toChatView(chat, botUserId),
  pinned_message: pinned && toMessengerMessage(pinned),
});
