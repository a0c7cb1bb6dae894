// Domain records → Telegram-shaped objects (Update, Message, User, CallbackQuery), as the
// Koto reference and the client libraries read them. Ids are shown as ids.ts says for the
// form of the call (integers on the Telegram form, Koto ids on the Koto form); update_id and
// dates are numbers.
import { isTelegramReaction } from './telegram-reactions';
import type { MediaMeta } from '../../domain/media/media-meta';
import { webAppDataOf, type MessageRecord, type Person } from '../../domain/messages/message';
import type { PollRecord } from '../../domain/polls/poll';
import type { Update, UpdateKind } from '../../domain/updates/update';
import { botMediaUrl } from '../messenger/message-view';
import type { ChatIds, IdShapes } from './ids';
import { inlineKeyboard } from './markup';

/** An id as shown: an integer on the Telegram form, a string on the Koto form. */
type ShownId = number | string;

export interface TgUser {
  id: ShownId;
  is_bot: boolean;
  first_name: string;
  username: string;
}

export interface TgChat {
  id: ShownId;
  type: string;
  first_name?: string;
  title?: string;
}

/** A chat as a record names it: its ids and what it is called. */
type NamedChat = ChatIds & { chatName?: string };

export interface TgEntity {
  type: 'bot_command';
  offset: number;
  length: number;
}

type Json = Record<string, unknown>;

export interface TgMessage {
  message_id: ShownId;
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
  web_app_data?: { data: string; button_text: string };
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: Json;
  poll_answer?: Json;
  message_reaction?: Json;
}

/** Telegram's update names → the update log's kinds. */
export const UPDATE_KINDS: Record<string, UpdateKind> = {
  message: 'message',
  edited_message: 'edited_message',
  callback_query: 'callback',
  poll_answer: 'poll_answer',
  message_reaction: 'message_reaction',
};

/** The update log's kinds → Telegram's update names. */
export const TELEGRAM_NAMES = Object.fromEntries(
  Object.entries(UPDATE_KINDS).map(([name, kind]) => [kind, name]),
) as Record<UpdateKind, keyof TgUpdate>;

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export const tgUser = (ids: IdShapes, p: Person): TgUser => ({
  id: ids.user(p),
  is_bot: p.isBot,
  first_name: p.displayName || p.username,
  username: p.username,
});

/**
 * Telegram names every chat: a private chat by its person's first_name, a group by its title.
 * (Records stored before names were kept lack chatName: a placeholder, never an empty name.)
 */
export const tgChat = (ids: IdShapes, m: NamedChat): TgChat => {
  const chat = { id: ids.chat(m), type: m.chatType };
  if (ids.style === 'koto') return chat;
  const name = m.chatName || (m.chatType === 'group' ? 'Group' : 'User');
  return m.chatType === 'group' ? { ...chat, title: name } : { ...chat, first_name: name };
};

const COMMAND = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{1,64})?(?=\s|$)/;

/** A leading command as Telegram marks it: libraries route commands by this entity. */
export function commandEntities(text: string): TgEntity[] | undefined {
  const m = COMMAND.exec(text);
  return m ? [{ type: 'bot_command', offset: 0, length: m[0].length }] : undefined;
}

/** A file's ids as Telegram gives them: file_id for getFile, file_unique_id for its bytes. */
export const fileIds = (m: Pick<MediaMeta, 'id' | 'sha256'>) => ({
  file_id: m.id,
  file_unique_id: m.sha256.slice(0, 32),
});

/** Where getFile says a file's bytes are, under `/file/bot<token>/`. */
export const filePath = (m: Pick<MediaMeta, 'id' | 'kind'>) => `${m.kind}s/${m.id}`;

/**
 * Telegram's PhotoSize list (one size here). The Koto form adds the Koto reference's photo
 * fields (`data` when small, `mime`, `w`, `h`) and the Quanta download path; the Telegram
 * form is exactly Telegram's, its bytes fetched with getFile.
 */
function tgPhoto(ids: IdShapes, m: MediaMeta, data: string | null): Json[] {
  const size = {
    ...fileIds(m),
    width: m.width ?? 0,
    height: m.height ?? 0,
    file_size: m.size,
  };
  if (ids.style === 'telegram') return [size];
  return [
    {
      ...size,
      ...(data !== null && { data }),
      mime: m.mime,
      w: m.width ?? undefined,
      h: m.height ?? undefined,
      url: botMediaUrl(m.id),
    },
  ];
}

function tgDocument(ids: IdShapes, m: MediaMeta, data: string | null): Json {
  const document = {
    ...fileIds(m),
    ...(m.fileName !== null && { file_name: m.fileName }),
    mime_type: m.mime,
    file_size: m.size,
  };
  if (ids.style === 'telegram') return document;
  return {
    ...document,
    ...(data !== null && { data }),
    mime: m.mime,
    size: m.size,
    url: botMediaUrl(m.id),
  };
}

export function tgPoll(p: PollRecord): Json {
  return {
    id: p.id,
    question: p.question,
    options: p.options.map((text, i) => ({
      persistent_id: String(i),
      text,
      voter_count: p.votes.filter((v) => v.optionIds.includes(i)).length,
    })),
    total_voter_count: p.votes.filter((v) => v.optionIds.length > 0).length,
    is_closed: false,
    is_anonymous: p.isAnonymous,
    type: 'regular',
    allows_multiple_answers: p.allowsMultipleAnswers,
    // A vote can be changed or retracted, and only the chat's members vote.
    allows_revoting: true,
    members_only: true,
  };
}

/**
 * The body of a message: text, or a captioned photo/document, or a poll. A mini app's data
 * is Telegram's `web_app_data` on the Telegram form and plain text on the Koto form.
 */
function body(ids: IdShapes, m: MessageRecord, inlineMedia: string | null): Partial<TgMessage> {
  const webApp = webAppDataOf(m);
  if (webApp) {
    return ids.style === 'telegram'
      ? { web_app_data: { data: webApp.data, button_text: webApp.button_text } }
      : { text: webApp.data };
  }
  const entities = commandEntities(m.content);
  if (m.poll) return { poll: tgPoll(m.poll) };
  if (!m.media) return { text: m.content, ...(entities && { entities }) };
  return {
    ...(m.media.kind === 'photo'
      ? { photo: tgPhoto(ids, m.media, inlineMedia) }
      : { document: tgDocument(ids, m.media, inlineMedia) }),
    ...(m.content && { caption: m.content }),
    ...(m.content && entities && { caption_entities: entities }),
  };
}

/** A message as Telegram shows it; the quoted message one level deep. */
export function tgMessage(
  ids: IdShapes,
  m: MessageRecord,
  inlineMedia: string | null = null,
  quote = true,
): TgMessage {
  const keyboard = inlineKeyboard(m.payload);
  const reply = quote ? m.replyTo : undefined;
  return {
    message_id: ids.message(m),
    date: unix(m.createdAt),
    chat: tgChat(ids, m),
    from: tgUser(ids, m.sender),
    ...(m.editedAt && { edit_date: unix(m.editedAt) }),
    ...body(ids, m, inlineMedia),
    ...(reply && { reply_to_message: tgMessage(ids, reply, null, false) }),
    // Koto's forward label; Telegram's forward_from is a User, so that form has only the origin.
    ...(m.forwardFrom && ids.style === 'koto' && { forward_from: m.forwardFrom }),
    ...(m.forwardFrom && {
      forward_origin: {
        type: 'hidden_user' as const,
        sender_user_name: m.forwardFrom,
        date: unix(m.createdAt),
      },
    }),
    ...(keyboard && { reply_markup: keyboard }),
  };
}

/** Reactions as the form types them: the Telegram form has room only for Telegram's emoji. */
const emojis = (ids: IdShapes, list: string[]) =>
  (ids.style === 'telegram' ? list.filter(isTelegramReaction) : list).map((emoji) => ({
    type: 'emoji',
    emoji,
  }));

function tgBody(ids: IdShapes, u: Update): Json | TgMessage {
  switch (u.kind) {
    case 'message':
    case 'edited_message':
      return tgMessage(ids, u.message, u.inlineMedia);
    case 'callback':
      return {
        id: u.callbackId,
        from: tgUser(ids, u.from),
        // The Koto reference names the chat and message beside the message itself.
        ...(ids.style === 'koto' && {
          chat: tgChat(ids, u.message),
          message_id: ids.message(u.message),
        }),
        message: tgMessage(ids, u.message),
        chat_instance: u.message.chatId,
        data: u.data,
      };
    case 'poll_answer':
      return {
        poll_id: u.pollId,
        user: tgUser(ids, u.voter),
        option_ids: u.optionIds,
        option_persistent_ids: u.optionIds.map(String),
        ...(ids.style === 'koto' && {
          chat: tgChat(ids, u),
          message_id: ids.message({ id: u.messageId, number: u.messageNumber }),
        }),
      };
    case 'message_reaction':
      return {
        chat: tgChat(ids, u),
        message_id: ids.message({ id: u.messageId, number: u.messageNumber }),
        user: tgUser(ids, u.actor),
        date: unix(u.at),
        old_reaction: emojis(ids, u.old),
        new_reaction: emojis(ids, u.new),
      };
  }
}

export function tgUpdate(ids: IdShapes, u: Update): TgUpdate {
  return { update_id: u.updateId, [TELEGRAM_NAMES[u.kind]]: tgBody(ids, u) };
}
