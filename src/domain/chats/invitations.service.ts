// The invitee's side of group consent: see what they were asked into, accept (join) or
// decline (and that group cannot ask again).
import type { User } from '../../generated/prisma/client';
import type { Db, Sql } from '../../infra/db/prisma';
import { withTransaction } from '../../infra/db/statement';
import { appError } from '../errors';
import { isUuid } from '../ids';
import type { Person } from '../messages/message';
import { personOf } from '../messages/message-query';
import {
  afterCursor,
  cursorOrder,
  pageOf,
  pageSize,
  type Page,
  type PageRequest,
} from '../pagination';
import { toChatRecord, type ChatRecord, type ChatsService } from './chats.service';
import { groupsSql as q } from './groups.repository';

export interface InvitationRecord {
  id: string;
  chat: { id: string; title: string | null; memberCount: number };
  inviter: Person;
  createdAt: Date;
}

export class InvitationsService {
  constructor(
    private readonly db: Db,
    private readonly sql: Sql,
    private readonly chats: ChatsService,
  ) {}

  /** Pending invitations, newest first, a page at a time. */
  async list(user: User, page: PageRequest): Promise<Page<InvitationRecord>> {
    const size = pageSize(page.limit);
    const rows = await this.db.chatInvitation.findMany({
      where: { inviteeId: user.id, declinedAt: null, ...afterCursor(page.cursor, 'desc') },
      include: {
        chat: { select: { id: true, title: true, _count: { select: { members: true } } } },
        inviter: true,
      },
      orderBy: cursorOrder('desc'),
      take: size + 1,
    });
    const { items, nextCursor } = pageOf(rows, size);
    return {
      items: items.map((r) => ({
        id: r.id,
        chat: { id: r.chat.id, title: r.chat.title, memberCount: r.chat._count.members },
        inviter: personOf(r.inviter),
        createdAt: r.createdAt,
      })),
      nextCursor,
    };
  }

  /** Join the group the invitation is for. */
  async accept(user: User, invitationId: string): Promise<ChatRecord> {
    const chatId = await withTransaction(this.sql, async (tx) => {
      const chatId = isUuid(invitationId)
        ? await q.invitedChat(tx, invitationId, user.id)
        : undefined;
      if (!chatId) throw appError('invitation_not_found');
      // The chat first, as every membership change locks it: no deadlock with an invite.
      await q.lockChat(tx, chatId);
      if (!(await q.takeInvitation(tx, invitationId, user.id))) {
        throw appError('invitation_not_found');
      }
      // Its seat was counted when it was sent: accepting never overfills the group.
      await q.insertMembers(tx, chatId, [user.id]);
      return chatId;
    });
    await this.chats.membersChanged(chatId);
    return toChatRecord(await this.chats.load(chatId));
  }

  /** Say no; the invitation stays, declined, so the group cannot ask again. */
  async decline(user: User, invitationId: string): Promise<void> {
    const { count } = isUuid(invitationId)
      ? await this.db.chatInvitation.updateMany({
          where: { id: invitationId, inviteeId: user.id, declinedAt: null },
          data: { declinedAt: new Date() },
        })
      : { count: 0 };
    if (count === 0) throw appError('invitation_not_found');
  }
}
