// What a self-custody bot sends, sealed here with its key by the rule the platform states for
// every sender (domain/e2e/envelope.ts chatEncryption: a direct chat when the person has a
// key, a group when every member has one), to the keys the platform lists for the chat's
// members. Plaintext chats get plaintext; the platform checks the boxes either way.
import type { Recipient } from '../domain/chats/chats.service';
import { chatEncryption, type Encryption } from '../domain/e2e/envelope';
import { sealForChat } from '../domain/e2e/sender-boxes';
import type { ChatType } from '../domain/messages/message';
import type { ChatView } from '../http/messenger/chat-view';

/** The bot as /me shows it: what its boxes are made and opened with. */
export interface BotIdentity {
  userId: string;
  username: string;
  name: string;
  publicKey: string | null;
  webappUrl: string | null;
}

/** What goes up for a text or caption: the box and its envelope, or the plaintext. */
export interface Outgoing {
  chatType: ChatType;
  content: string;
  /** payload.nonce (and a group's payload.keys) of a box; absent for plaintext */
  envelope?: { nonce: string; keys?: unknown };
  /** The file's bytes as they go up: sealed under a key inside the box, or as they are. */
  file?: Buffer;
}

export function chatEncryptionFor(chat: ChatView, bot: BotIdentity): Encryption | null {
  const members: Recipient[] = chat.members.map((m) => ({
    userId: m.id,
    username: m.username,
    isBot: m.is_bot,
    publicKey: m.public_key,
    botId: m.bot_id ?? null,
    botPermissions: [],
  }));
  const sender = {
    id: bot.userId,
    username: bot.username,
    displayName: bot.name,
    isBot: true,
    tgId: 0,
    publicKey: bot.publicKey,
  };
  return chatEncryption(chat.type, members, sender);
}

export function outgoing(
  chat: ChatView,
  bot: BotIdentity,
  secret: Uint8Array,
  text: string,
  file?: Buffer,
): Outgoing {
  const enc = chatEncryptionFor(chat, bot);
  if (!enc || (text === '' && !file)) return { chatType: chat.type, content: text, file };
  const sealed = sealForChat(enc, secret, text, file && { data: file });
  const { nonce, keys } = sealed.stamps;
  return {
    chatType: chat.type,
    content: sealed.content,
    envelope: { nonce: nonce as string, ...(keys !== undefined && { keys }) },
    file: sealed.media?.data,
  };
}
