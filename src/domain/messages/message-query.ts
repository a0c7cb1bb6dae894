// Loading messages with what their views show: sender, media (never the bytes), poll with
// votes, reactions. Shared by history, edits, reactions, polls, pins and callbacks.
import type { Db } from '../../infra/db/prisma';
import type { Prisma } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUuid } from '../ids';
import { mediaMetaSelect } from '../media/media-meta';
import { senderOf, toMessengerMessage, type MessengerMessage } from './message-view';

export const messageInclude = {
  sender: true,
  media: { select: mediaMetaSelect },
  poll: { include: { votes: { select: { userId: true, optionIds: true } } } },
  reactions: {
    select: { userId: true, emoji: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { emoji: 'asc' }],
  },
} satisfies Prisma.MessageInclude;

export type LoadedMessage = Prisma.MessageGetPayload<{ include: typeof messageInclude }>;

export const viewOf = (m: LoadedMessage): MessengerMessage =>
  toMessengerMessage(m, senderOf(m.sender));

/** A message of this chat that is not deleted, or 404 (non-UUID ids included). */
export async function findLiveMessage(
  db: Db,
  chatId: string,
  messageId: string,
  missing: 'message_not_found' | 'poll_not_found' = 'message_not_found',
): Promise<LoadedMessage> {
  const m = isUuid(messageId)
    ? await db.message.findFirst({
        where: { id: messageId, chatId, deletedAt: null },
        include: messageInclude,
      })
    : null;
  if (!m) throw appError(missing);
  return m;
}

export async function loadMessage(db: Db, id: string): Promise<LoadedMessage> {
  return db.message.findUniqueOrThrow({ where: { id }, include: messageInclude });
}

/** The message a reply quotes, if it is still there (for `reply_to_message` in updates). */
export async function findQuoted(db: Db, m: LoadedMessage): Promise<LoadedMessage | null> {
  if (!m.replyToId) return null;
  return db.message.findFirst({
    where: { id: m.replyToId, chatId: m.chatId, deletedAt: null },
    include: messageInclude,
  });
}
