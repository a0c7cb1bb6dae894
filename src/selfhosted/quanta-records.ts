// The Quanta bot API's JSON (updates, sent and edited messages) read back into the domain's
// records, so the self-hosted gateway opens boxes and shapes Telegram objects with the very
// code the platform's own gateway uses (domain/e2e/reader-boxes.ts, http/gateway/shapes.ts).
// Telegram's integer ids are this process's own (LocalIds): people and bots, chats (groups
// negative, as Telegram shows them) and messages.
import type { MediaMeta } from '../domain/media/media-meta';
import type { ChatType, MessagePayload, MessageRecord, Person } from '../domain/messages/message';
import type { PollRecord } from '../domain/polls/poll';
import type { Update } from '../domain/updates/update';
import type { MediaView, MessengerMessage, PollView } from '../http/messenger/message-view';
import type { QuantaUpdate } from '../http/quanta/update-view';
import { LocalIds } from './local-ids';

/** A message inside a Quanta update's payload (also its `reply_to_message`). */
export interface QuantaMessage {
  message_id: string;
  chat_id: string;
  chat_type: ChatType;
  user_id: string;
  username: string;
  content: string;
  payload?: MessagePayload;
  media?: MediaView;
  poll?: PollView;
  forward_from?: string;
  created_at: string;
  edited_at?: string;
  reply_to_message?: QuantaMessage;
}

type Payload = Record<string, unknown>;

const mediaMeta = (m: MediaView): MediaMeta => ({
  id: m.id,
  kind: m.kind,
  mime: m.mime,
  fileName: m.file_name ?? null,
  size: m.size,
  width: m.w ?? null,
  height: m.h ?? null,
  sha256: m.sha256,
});

/**
 * A poll as the Quanta API shows it. Anonymous polls show counts, not voters: each count
 * becomes that many unnamed one-option votes (what Telegram's poll object is built from).
 */
function pollRecord(p: PollView): PollRecord {
  const votes = p.options.flatMap((o) =>
    (o.voter_ids ?? Array.from({ length: o.voter_count }, () => '')).map((userId) => ({
      userId,
      optionIds: [o.id],
    })),
  );
  return {
    id: p.id,
    messageId: p.message_id,
    question: p.question,
    options: p.options.map((o) => o.text),
    isAnonymous: p.is_anonymous,
    allowsMultipleAnswers: p.allows_multiple_answers,
    votes,
  };
}

export class LocalRecords {
  private readonly chats = new LocalIds(1_000_001);
  private readonly users = new LocalIds(5_000_001);
  private readonly messages = new LocalIds(1);
  /** chat uuid → its name as Telegram shows it, from the chats this gateway has read */
  private readonly names = new Map<string, string>();

  /** A chat_id as a Telegram client writes it (a number, or its digits) → the chat's uuid. */
  chatUuid(shown: string): string | undefined {
    const n = Number(shown);
    return Number.isSafeInteger(n) ? this.chats.uuidOf(Math.abs(n)) : undefined;
  }

  messageUuid(shown: string): string | undefined {
    const n = Number(shown);
    return Number.isSafeInteger(n) ? this.messages.uuidOf(n) : undefined;
  }

  userTgId(uuid: string): number {
    return this.users.numberOf(uuid);
  }

  nameChat(chatId: string, name: string | null): void {
    if (name) this.names.set(chatId, name);
    if (this.names.size > 100_000) this.names.delete(this.names.keys().next().value!);
  }

  person(id: string, username: string, isBot: boolean, displayName = username): Person {
    return { id, username, displayName, isBot, tgId: this.users.numberOf(id) };
  }

  private chat(chatId: string, chatType: ChatType, fallbackName: string) {
    const n = this.chats.numberOf(chatId);
    return {
      chatId,
      chatType,
      chatTgId: chatType === 'group' ? -n : n,
      chatName: this.names.get(chatId) ?? (chatType === 'private' ? fallbackName : ''),
    };
  }

  /** A message of an update's payload: a person's (bots never get bots' messages). */
  fromUpdate(q: QuantaMessage): MessageRecord {
    const reply = q.reply_to_message;
    return {
      id: q.message_id,
      number: this.messages.numberOf(q.message_id),
      ...this.chat(q.chat_id, q.chat_type, q.username),
      sender: this.person(q.user_id, q.username, false),
      content: q.content,
      payload: q.payload ?? {},
      replyToId: reply?.message_id ?? null,
      replyTo: reply ? this.fromUpdate(reply) : null,
      forwardFrom: q.forward_from ?? null,
      createdAt: new Date(q.created_at),
      editedAt: q.edited_at ? new Date(q.edited_at) : null,
      media: q.media ? mediaMeta(q.media) : null,
      poll: q.poll ? pollRecord(q.poll) : null,
      reactions: [],
    };
  }

  /** A message as the Quanta API answers a send or an edit (and a callback's message). */
  fromMessenger(m: MessengerMessage, chatType: ChatType, senderName?: string): MessageRecord {
    const s = m.sender;
    return {
      id: m.id,
      number: this.messages.numberOf(m.id),
      ...this.chat(m.chat_id, chatType, s.username),
      sender: this.person(s.id, s.username, s.is_bot, senderName),
      content: m.content,
      payload: (m.payload ?? {}) as MessagePayload,
      replyToId: m.reply_to_message_id ?? null,
      forwardFrom: m.forward_from ?? null,
      createdAt: new Date(m.created_at),
      editedAt: m.edited_at ? new Date(m.edited_at) : null,
      media: m.media ? mediaMeta(m.media) : null,
      poll: m.poll ? pollRecord(m.poll) : null,
      reactions: [],
    };
  }

  /** A Quanta update as the domain's Update (boxes still closed). */
  update(u: QuantaUpdate): Update {
    const at = { id: u.id, updateId: u.update_id, createdAt: new Date(u.created_at) };
    const p = u.payload as Payload;
    switch (u.type) {
      case 'message':
      case 'edited_message': {
        const q = p as unknown as QuantaMessage;
        return {
          ...at,
          kind: u.type,
          message: this.fromUpdate(q),
          command: null,
          inlineMedia: q.media?.data ?? null,
        };
      }
      case 'callback': {
        const chatType = p.chat_type as ChatType;
        return {
          ...at,
          kind: 'callback',
          callbackId: p.callback_id as string,
          from: this.person(p.user_id as string, p.username as string, false),
          data: p.data as string,
          message: this.fromMessenger(p.message as MessengerMessage, chatType),
        };
      }
      case 'poll_answer':
      case 'message_reaction': {
        const chatType = p.chat_type as ChatType;
        const messageId = p.message_id as string;
        const around = {
          ...this.chat(p.chat_id as string, chatType, p.username as string),
          messageId,
          messageNumber: this.messages.numberOf(messageId),
          at: new Date(p.created_at as string),
        };
        const who = this.person(p.user_id as string, p.username as string, false);
        return u.type === 'poll_answer'
          ? {
              ...at,
              ...around,
              kind: 'poll_answer',
              pollId: p.poll_id as string,
              voter: who,
              optionIds: p.option_ids as number[],
            }
          : {
              ...at,
              ...around,
              kind: 'message_reaction',
              actor: who,
              old: p.old_reaction as string[],
              new: p.new_reaction as string[],
            };
      }
    }
  }
}
