// A message as the domain knows it, whoever reads it: every dialect's view is built from
// this record (http/messenger, http/quanta, http/gateway), never from another view.
import type { MediaMeta } from '../media/media-meta';
import type { PollRecord } from '../polls/poll';
import type { ReactionRecord } from '../reactions/reaction';

export type ChatType = 'private' | 'group';

/** A user or a bot's identity, as a sender, voter or actor. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
  isBot: boolean;
  /** The Telegram form's id (users.tg_id; below 2^53, so a number). */
  tgId: number;
  /** NaCl box public key (base64), null when none; absent from records stored before E2E. */
  publicKey?: string | null;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  /** Opens a mini app at this URL. */
  web_app?: { url: string };
}

/** What a mini app sent (sendData), kept in the payload of the person's message. */
export interface WebAppData {
  data: string;
  /** The label of the button that opened the app. */
  button_text: string;
}

/** Free-form extras stored with a message; `buttons` is the inline keyboard. */
export type MessagePayload = Record<string, unknown> & { buttons?: InlineButton[][] };

export interface MessageRecord {
  id: string;
  /** 1, 2, 3… within its chat: the Telegram form's message_id. */
  number: number;
  chatId: string;
  chatType: ChatType;
  /** The chat's id on the Telegram form (chats.tg_id). */
  chatTgId: number;
  /** A group's title or a private chat's person's name (chatNameOf). */
  chatName: string;
  sender: Person;
  content: string;
  payload: MessagePayload;
  replyToId: string | null;
  /** The quoted message when loaded with it (one level deep); undefined when not loaded. */
  replyTo?: MessageRecord | null;
  forwardFrom: string | null;
  createdAt: Date;
  editedAt: Date | null;
  media: MediaMeta | null;
  poll: PollRecord | null;
  /** Oldest first. */
  reactions: ReactionRecord[];
}

/** The mini-app data a message carries (only the server sets it: see SERVER_PAYLOAD_KEYS). */
export const webAppDataOf = (m: MessageRecord): WebAppData | undefined =>
  m.payload.web_app_data as WebAppData | undefined;
