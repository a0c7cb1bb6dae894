// Every id the gateway shows or reads, in one place. Inside, ids are UUIDs. The Telegram form
// (`/bot<token>/…`, what libraries build) shows integers: users and bots their random tg_id,
// a chat its tg_id (a private chat is its person, a group negative), a message its number in
// its chat. The Koto form shows Koto ids: `KOTO-…` for people, `bot-…` for bots, a direct
// chat as its person's Koto id; groups and messages keep their UUIDs.
import type { ChatLookup } from '../../domain/chats/chats.service';
import type { ChatType, Person } from '../../domain/messages/message';
import type { Services } from '../../services';
import type { BotWithUser } from '../../domain/bots/bots.service';
import type { Params } from './params';

export type Style = 'koto' | 'telegram';

/** What a shown id is made from. */
export interface ChatIds {
  chatId: string;
  chatType: ChatType;
  chatTgId: number;
}
export interface MessageIds {
  id: string;
  number: number;
}

export interface IdShapes {
  /** The form these ids are for (other shapes differ by form too: files, chats). */
  style: Style;
  user(p: Pick<Person, 'tgId' | 'isBot'>): number | string;
  chat(c: ChatIds): number | string;
  message(m: MessageIds): number | string;
}

const base36 = (n: number) => n.toString(36);
const kotoPerson = (tgId: number) => `KOTO-${base36(tgId).toUpperCase()}`;

const SHAPES: Record<Style, IdShapes> = {
  telegram: {
    style: 'telegram',
    user: (p) => p.tgId,
    chat: (c) => c.chatTgId,
    message: (m) => m.number,
  },
  koto: {
    style: 'koto',
    user: (p) => (p.isBot ? `bot-${base36(p.tgId)}` : kotoPerson(p.tgId)),
    chat: (c) => (c.chatType === 'private' ? kotoPerson(c.chatTgId) : c.chatId),
    message: (m) => m.id,
  },
};

export const idShapes = (style: Style): IdShapes => SHAPES[style];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d{1,16}$/;
const KOTO_ID = /^(?:KOTO|bot)-([0-9a-z]{1,11})$/i;
const USERNAME = /^@([A-Za-z0-9_]{1,32})$/;

/** A `chat_id` as a client wrote it → what names the chat; undefined when nothing can. */
export function chatLookup(value: unknown): ChatLookup | undefined {
  // What every Telegram library sends: the integer, taken without the patterns below.
  if (Number.isSafeInteger(value)) return { tgId: BigInt(value as number) };
  const v = typeof value === 'number' ? String(value) : value;
  if (typeof v !== 'string') return undefined;
  if (UUID.test(v)) return { id: v };
  if (INTEGER.test(v)) return { tgId: BigInt(v) };
  const koto = KOTO_ID.exec(v);
  if (koto) return { tgId: BigInt(parseInt(koto[1]!, 36)) };
  const user = USERNAME.exec(v);
  return user ? { username: user[1]!.toLowerCase() } : undefined;
}

/** A message number as a client wrote it (Telegram form), or undefined. */
function messageNumber(value: unknown): number | undefined {
  const v = typeof value === 'number' ? String(value) : value;
  return typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
}

/**
 * The parameters with shown ids turned into UUIDs, before a method parses them: chat_id and
 * from_chat_id, and the message ids that live in those chats. A value that names nothing is
 * left as written (and answered "chat not found" / "message not found" by the method).
 */
export async function withInternalIds(
  services: Services,
  bot: BotWithUser,
  style: Style,
  params: Params,
): Promise<Params> {
  const out: Params = { ...params };
  const chats = new Map<string, string>();
  for (const key of ['chat_id', 'from_chat_id'] as const) {
    const lookup = chatLookup(out[key]);
    if (!lookup) continue;
    const id = await services.chats.idForBot(bot, lookup);
    if (id) chats.set(key, (out[key] = id));
  }
  if (style === 'koto') return out;
  const resolve = async (chatKey: 'chat_id' | 'from_chat_id', value: unknown) => {
    const chatId = chats.get(chatKey);
    const n = messageNumber(value);
    if (!chatId || n === undefined) return value;
    return (await services.messages.idByNumber(chatId, n)) ?? value;
  };
  if (out.message_id !== undefined) {
    out.message_id = await resolve(
      out.from_chat_id !== undefined ? 'from_chat_id' : 'chat_id',
      out.message_id,
    );
  }
  if (out.reply_to_message_id !== undefined) {
    out.reply_to_message_id = await resolve('chat_id', out.reply_to_message_id);
  }
  const rp = out.reply_parameters;
  if (typeof rp === 'object' && rp !== null && 'message_id' in rp) {
    out.reply_parameters = { ...rp, message_id: await resolve('chat_id', rp.message_id) };
  }
  return out;
}
