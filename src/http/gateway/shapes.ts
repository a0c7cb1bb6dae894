// Domain views → Telegram-shaped objects (Update, Message, User, Chat, CallbackQuery), as the
// Koto reference and the client libraries read them. Ids stay strings; update_id and dates
// are numbers. A message's facts come from three domain shapes (the bot update payload, the
// messenger view, the looked-up card); each is first reduced to MessageFacts.
import type { MediaView } from '../../domain/media/media-meta';
import type { MessengerMessage } from '../../domain/messages/message-view';
import type { PollView } from '../../domain/polls/poll';
import type { UpdateRow } from '../../domain/updates/updates.service';
import type { LookupService, MessageCard, UserCard } from '../../domain/lookups/lookups.service';
import { inlineKeyboard } from './markup';

export interface TgUser {
  id: string;
  is_bot: boolean;
  first_name: string;
  username: string;
}

export interface TgChat {
  id: string;
  type: string;
}

export interface TgEntity {
  type: 'bot_command';
  offset: number;
  length: number;
}

export interface TgMessage {
  message_id: string;
  date: number;
  chat: TgChat;
  from: TgUser;
  edit_date?: number;
  text?: string;
  entities?: TgEntity[];
  caption?: string;
  caption_entities?: TgEntity[];
  photo?: Json[];
  document?: Json;
  poll?: Json;
  reply_to_message?: TgMessage;
  forward_from?: string;
  forward_origin?: { type: 'hidden_user'; sender_user_name: string; date: number };
  reply_markup?: { inline_keyboard: unknown[][] };
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  chat: TgChat;
  message_id: string;
  message?: TgMessage;
  chat_instance: string;
  data: string;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  poll_answer?: unknown;
  message_reaction?: unknown;
}

/** Telegram update names ↔ the update log's types. */
export const UPDATE_TYPES: Record<string, string> = {
  message: 'message',
  edited_message: 'edited_message',
  callback_query: 'callback',
  poll_answer: 'poll_answer',
  message_reaction: 'message_reaction',
};

/** What the shapers need of a message, whichever domain view it came from. */
export interface MessageFacts {
  id: string;
  chatId: string;
  chatType?: string;
  sender: { id: string; username: string; isBot: boolean };
  content: string;
  payload: Record<string, unknown>;
  date: Date;
  editedAt?: Date | null;
  replyToId?: string | null;
  /** The quoted message when the payload carries it (updates); else looked up by id. */
  quoted?: MessageFacts | null;
  forwardFrom?: string | null;
  media?: MediaView | null;
  poll?: PollView | null;
}

/** Look-ups that turn ids into full objects (sender names, quoted messages, chat types). */
export interface Refs {
  users: Map<string, UserCard>;
  messages: Map<string, MessageCard>;
  chatTypes: Map<string, string>;
}

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Json) : {});
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export function factsFromView(m: MessengerMessage, chatType?: string): MessageFacts {
  return {
    id: m.id,
    chatId: m.chat_id,
    chatType,
    sender: { id: m.sender.id, username: m.sender.username, isBot: m.sender.is_bot },
    content: m.content,
    payload: obj(m.payload),
    date: new Date(m.created_at),
    editedAt: m.edited_at ? new Date(m.edited_at) : null,
    replyToId: m.reply_to_message_id ?? null,
    forwardFrom: m.forward_from ?? null,
    media: m.media ?? null,
    poll: m.poll ?? null,
  };
}

/** A `message` (or `edited_message`) update's payload. */
export function factsFromPayload(p: Json): MessageFacts {
  return {
    id: String(p.message_id),
    chatId: String(p.chat_id),
    chatType: str(p.chat_type),
    sender: { id: String(p.user_id), username: str(p.username) ?? '', isBot: false },
    content: str(p.content) ?? '',
    payload: obj(p.payload),
    date: new Date(String(p.created_at)),
    editedAt: str(p.edited_at) ? new Date(String(p.edited_at)) : null,
    replyToId: str(p.reply_to_message_id) ?? null,
    quoted: p.reply_to_message ? factsFromPayload(obj(p.reply_to_message)) : null,
    forwardFrom: str(p.forward_from) ?? null,
    media: (p.media as MediaView | undefined) ?? null,
    poll: (p.poll as PollView | undefined) ?? null,
  };
}

function factsFromCard(c: MessageCard): MessageFacts {
  return {
    id: c.id,
    chatId: c.chatId,
    chatType: c.chatType,
    sender: c.sender,
    content: c.content,
    payload: c.payload,
    date: c.createdAt,
    editedAt: c.editedAt,
    replyToId: c.replyToId,
    forwardFrom: c.forwardFrom,
  };
}

export function tgUser(u: { id: string; username: string; isBot: boolean }, refs?: Refs): TgUser {
  const card = refs?.users.get(u.id);
  return {
    id: u.id,
    is_bot: card?.isBot ?? u.isBot,
    first_name: card?.displayName || u.username,
    username: card?.username ?? u.username,
  };
}

const COMMAND = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{1,64})?(?=\s|$)/;

/** A leading command as Telegram marks it: libraries route commands by this entity. */
export function commandEntities(text: string): TgEntity[] | undefined {
  const m = COMMAND.exec(text);
  return m ? [{ type: 'bot_command', offset: 0, length: m[0].length }] : undefined;
}

/**
 * Telegram's PhotoSize list (one size here), each entry also carrying the Koto reference's
 * photo fields (`data` when small, `mime`, `w`, `h`) and the bot's download path.
 */
function tgPhoto(m: MediaView): Json[] {
  return [
    {
      file_id: m.id,
      file_unique_id: m.sha256.slice(0, 32),
      width: m.w,
      height: m.h,
      file_size: m.size,
      ...(m.data !== undefined && { data: m.data }),
      mime: m.mime,
      w: m.w,
      h: m.h,
      url: m.url,
    },
  ];
}

function tgDocument(m: MediaView): Json {
  return {
    file_id: m.id,
    file_unique_id: m.sha256.slice(0, 32),
    file_name: m.file_name,
    mime_type: m.mime,
    file_size: m.size,
    ...(m.data !== undefined && { data: m.data }),
    mime: m.mime,
    size: m.size,
    url: m.url,
  };
}

export function tgPoll(p: PollView): Json {
  return {
    id: p.id,
    question: p.question,
    options: p.options.map((o) => ({ text: o.text, voter_count: o.voter_count })),
    total_voter_count: p.total_voter_count,
    is_closed: false,
    is_anonymous: p.is_anonymous,
    type: 'regular',
    allows_multiple_answers: p.allows_multiple_answers,
  };
}

/** The body of a message: text, or a captioned photo/document, or a poll. */
function body(f: MessageFacts): Partial<TgMessage> {
  const entities = commandEntities(f.content);
  if (f.poll) return { poll: tgPoll(f.poll) };
  if (!f.media) return { text: f.content, ...(entities && { entities }) };
  return {
    ...(f.media.kind === 'photo' ? { photo: tgPhoto(f.media) } : { document: tgDocument(f.media) }),
    ...(f.content && { caption: f.content }),
    ...(f.content && entities && { caption_entities: entities }),
  };
}

export function tgMessage(f: MessageFacts, refs: Refs, quote = true): TgMessage {
  const looked = f.replyToId && !f.quoted ? refs.messages.get(f.replyToId) : undefined;
  const reply = quote ? (f.quoted ?? (looked && factsFromCard(looked))) : undefined;
  const keyboard = inlineKeyboard(f.payload);
  return {
    message_id: f.id,
    date: unix(f.date),
    chat: { id: f.chatId, type: f.chatType ?? refs.chatTypes.get(f.chatId) ?? 'private' },
    from: tgUser(f.sender, refs),
    ...(f.editedAt && { edit_date: unix(f.editedAt) }),
    ...body(f),
    ...(reply && { reply_to_message: tgMessage(reply, refs, false) }),
    ...(f.forwardFrom && {
      forward_from: f.forwardFrom,
      forward_origin: { type: 'hidden_user', sender_user_name: f.forwardFrom, date: unix(f.date) },
    }),
    ...(keyboard && { reply_markup: keyboard }),
  };
}

function tgCallback(p: Json, refs: Refs): TgCallbackQuery {
  const chat = { id: String(p.chat_id), type: str(p.chat_type) ?? 'private' };
  const message = p.message ? factsFromView(p.message as MessengerMessage, chat.type) : null;
  return {
    id: String(p.callback_id),
    from: tgUser({ id: String(p.user_id), username: str(p.username) ?? '', isBot: false }, refs),
    chat,
    message_id: String(p.message_id),
    ...(message && { message: tgMessage(message, refs) }),
    chat_instance: chat.id,
    data: String(p.data),
  };
}

export function tgUpdate(row: UpdateRow, refs: Refs): TgUpdate {
  const update_id = Number(row.update_id);
  const p = obj(row.payload);
  switch (row.type) {
    case 'message':
      return { update_id, message: tgMessage(factsFromPayload(p), refs) };
    case 'edited_message':
      return { update_id, edited_message: tgMessage(factsFromPayload(p), refs) };
    case 'callback':
      return { update_id, callback_query: tgCallback(p, refs) };
    case 'poll_answer':
      return {
        update_id,
        poll_answer: {
          poll_id: String(p.poll_id),
          user: tgUser(actor(p), refs),
          option_ids: p.option_ids,
          chat: chatOf(p),
          message_id: String(p.message_id),
        },
      };
    case 'message_reaction':
      return {
        update_id,
        message_reaction: {
          chat: chatOf(p),
          message_id: String(p.message_id),
          user: tgUser(actor(p), refs),
          date: unix(new Date(String(p.created_at))),
          old_reaction: emojis(p.old_reaction),
          new_reaction: emojis(p.new_reaction),
        },
      };
    default:
      // Update types without a Telegram shaper yet pass their payload through under the
      // Telegram name, so the update_id still advances the client's offset.
      return { update_id, [telegramName(row.type)]: p };
  }
}

const actor = (p: Json) => ({
  id: String(p.user_id),
  username: str(p.username) ?? '',
  isBot: false,
});
const chatOf = (p: Json): TgChat => ({
  id: String(p.chat_id),
  type: str(p.chat_type) ?? 'private',
});
const emojis = (v: unknown) =>
  (Array.isArray(v) ? v : []).map((emoji) => ({ type: 'emoji', emoji: String(emoji) }));

const telegramName = (type: string) =>
  Object.entries(UPDATE_TYPES).find(([, t]) => t === type)?.[0] ?? type;

/** The facts inside an update, for loading its references. */
export function factsOfUpdate(row: UpdateRow): MessageFacts[] {
  const p = obj(row.payload);
  if (row.type === 'message' || row.type === 'edited_message') return [factsFromPayload(p)];
  if (row.type === 'callback' && p.message) {
    return [factsFromView(p.message as MessengerMessage, str(p.chat_type))];
  }
  return [];
}

export function usersOfUpdate(row: UpdateRow): string[] {
  const id = obj(row.payload).user_id;
  return typeof id === 'string' ? [id] : [];
}

/** One look-up per kind for a whole batch; `known` users need no query. */
export async function loadRefs(
  lookups: LookupService,
  facts: MessageFacts[],
  userIds: string[] = [],
  known: UserCard[] = [],
): Promise<Refs> {
  const have = new Set(known.map((u) => u.id));
  const senders = facts.flatMap((f) => [f.sender.id, ...(f.quoted ? [f.quoted.sender.id] : [])]);
  const wanted = [...senders, ...userIds].filter((id) => !have.has(id));
  const [messages, users, chatTypes] = await Promise.all([
    lookups.messages(facts.filter((f) => !f.quoted).map((f) => f.replyToId)),
    lookups.users(wanted),
    lookups.chatTypes(facts.filter((f) => !f.chatType).map((f) => f.chatId)),
  ]);
  for (const u of known) users.set(u.id, u);
  for (const m of messages.values()) users.set(m.sender.id, m.sender);
  return { users, messages, chatTypes };
}
