// Loading messages as records: sender, chat type, media (never the bytes), poll with
// votes, reactions, and the quoted message one level deep. Shared by history, edits,
// reactions, polls, pins and callbacks.
import type { Db } from '../../infra/db/prisma';
import type { Prisma } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUuid } from '../ids';
import { mediaMetaSelect } from '../media/media-meta';
import { chatNameOf } from '../chats/chats.service';
import type { MessagePayload, MessageRecord, Person } from './message';

const flatInclude = {
  sender: {
    select: {
      id: true,
      username: true,
      displayName: true,
      isBot: true,
      tgId: true,
      publicKey: true,
    },
  },
  chat: {
    select: {
      type: true,
      tgId: true,
      title: true,
      // A private chat is named after its person.
      members: {
        where: { user: { isBot: false } },
        take: 1,
        select: { user: { select: { displayName: true, username: true } } },
      },
    },
  },
  media: { select: mediaMetaSelect },
  poll: { include: { votes: { select: { userId: true, optionIds: true } } } },
  reactions: {
    select: { userId: true, emoji: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { emoji: 'asc' }],
  },
} satisfies Prisma.MessageInclude;

export const messageInclude = {
  ...flatInclude,
  replyTo: { include: flatInclude },
} satisfies Prisma.MessageInclude;

type FlatMessage = Prisma.MessageGetPayload<{ include: typeof flatInclude }>;
type LoadedMessage = Prisma.MessageGetPayload<{ include: typeof messageInclude }>;

export const personOf = (u: Omit<Person, 'tgId'> & { tgId: bigint | number }): Person => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  isBot: u.isBot,
  tgId: Number(u.tgId),
  publicKey: u.publicKey ?? null,
});

function flatRecord(m: FlatMessage): MessageRecord {
  return {
    id: m.id,
    number: m.number,
    chatId: m.chatId,
    chatType: m.chat.type,
    chatTgId: Number(m.chat.tgId),
    chatName: chatNameOf(m.chat.title, m.chat.members[0]?.user),
    sender: personOf(m.sender),
    content: m.content,
    payload: (m.payload ?? {}) as MessagePayload,
    replyToId: m.replyToId,
    forwardFrom: m.forwardFrom,
    createdAt: m.createdAt,
    editedAt: m.editedAt,
    media: m.media,
    poll: m.poll,
    reactions: m.reactions,
  };
}

/** The record of a loaded message; a quoted message that was deleted is not shown. */
export function toRecord(m: LoadedMessage): MessageRecord {
  const quoted = m.replyTo && !m.replyTo.deletedAt ? flatRecord(m.replyTo) : null;
  return { ...flatRecord(m), replyTo: quoted };
}

/** A message of this chat that is not deleted, or 404 (non-UUID ids included). */
export async function findLiveMessage(
  db: Db,
  chatId: string,
  messageId: string,
  missing: 'message_not_found' | 'poll_not_found' = 'message_not_found',
): Promise<MessageRecord> {
  const m = await findInChat(db, chatId, messageId);
  if (!m) throw appError(missing);
  return m;
}

/** A live message of this chat, or undefined. */
export async function findInChat(
  db: Db,
  chatId: string,
  messageId: string,
): Promise<MessageRecord | undefined> {
  if (!isUuid(messageId)) return undefined;
  const m = await db.message.findFirst({
    where: { id: messageId, chatId, deletedAt: null },
    include: messageInclude,
  });
  return m ? toRecord(m) : undefined;
}

/** A live message wherever it is, or undefined. */
export async function findLive(db: Db, messageId: string): Promise<MessageRecord | undefined> {
  if (!isUuid(messageId)) return undefined;
  const m = await db.message.findFirst({
    where: { id: messageId, deletedAt: null },
    include: messageInclude,
  });
  return m ? toRecord(m) : undefined;
}

export async function loadMessage(db: Db, id: string): Promise<MessageRecord> {
  return toRecord(await db.message.findUniqueOrThrow({ where: { id }, include: messageInclude }));
}
