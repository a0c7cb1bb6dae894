// Groups with consent and bounds. A person joins a group only by accepting an invitation
// (invitations.service.ts); bots are added by any member at once (a bot cannot be
// harassed). A person may create GROUPS_PER_USER_PER_DAY groups in any 24 hours; a group
// holds GROUP_MAX_MEMBERS seats, pending invitations included. Anyone may leave; only the
// group's creator removes others. The chat's people hear of both on their feed.
import { randomUUID } from 'node:crypto';
import type { User } from '../../generated/prisma/client';
import type { Sql } from '../../infra/db/prisma';
import { withTransaction, type Queryable } from '../../infra/db/statement';
import { appError } from '../errors';
import { isUuid } from '../ids';
import type { Fanout } from '../messages/fanout';
import type { Person } from '../messages/message';
import { personOf } from '../messages/message-query';
import type { NewGroup, NewMember } from './chats.schemas';
import { toChatRecord, type ChatRecord, type ChatsService } from './chats.service';
import { groupsSql as q, type PersonRow } from './groups.repository';
import { eventsForPeople } from './membership';

export interface GroupLimits {
  /** Groups one person may create in any 24 hours; 0: no limit. */
  perUserPerDay: number;
  /** Members plus pending invitations. */
  maxMembers: number;
}

const DAY_MS = 24 * 3600 * 1000;

const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  isBot: r.is_bot,
  tgId: Number(r.tg_id),
});

export class GroupsService {
  constructor(
    private readonly sql: Sql,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
    private readonly limits: GroupLimits,
  ) {}

  /** A new group: its creator and bots as members, the people in `member_ids` invited. */
  async create(user: User, body: NewGroup): Promise<ChatRecord> {
    const id = randomUUID();
    await withTransaction(this.sql, async (tx) => {
      const bots = await this.botUsers(tx, body.bot_ids);
      const asked = await this.sortOut(
        tx,
        body.member_ids.filter((m) => m !== user.id),
      );
      const members = [...new Set([user.id, ...bots, ...asked.bots])];
      if (members.length + asked.people.length > this.limits.maxMembers) {
        throw appError('group_full', { detail: String(this.limits.maxMembers) });
      }
      await this.checkDailyCap(tx, user.id);
      await q.insertGroup(tx, id, body.title, user.id);
      await q.insertMembers(tx, id, members);
      await q.insertInvitations(tx, id, user.id, asked.people);
    });
    return toChatRecord(await this.chats.load(id));
  }

  /** `{bot_id}` (or a bot's user id) joins at once; `{user_id}` of a person is invited. */
  async add(user: User, chatId: string, body: NewMember): Promise<ChatRecord> {
    await withTransaction(this.sql, async (tx) => {
      await this.lockGroup(tx, chatId, user.id, 'be added to');
      const target =
        'bot_id' in body
          ? { bots: await this.botUsers(tx, [body.bot_id]), people: [] }
          : await this.sortOut(tx, [body.user_id]);
      const [bot] = target.bots;
      const [person] = target.people;
      const who = (bot ?? person)!;
      if (who === user.id || (await q.isMember(tx, chatId, who))) return;
      if ((await q.seats(tx, chatId)) >= this.limits.maxMembers) {
        throw appError('group_full', { detail: String(this.limits.maxMembers) });
      }
      if (bot) await q.insertMembers(tx, chatId, [bot]);
      else await q.insertInvitations(tx, chatId, user.id, [person!]);
    });
    await this.chats.membersChanged(chatId);
    return toChatRecord(await this.chats.load(chatId));
  }

  /** Leave a group; the group may not invite the leaver again. Everyone in it hears. */
  async leave(user: User, chatId: string): Promise<void> {
    await this.fanout.atomically(async (tx) => {
      await this.lockGroup(tx.client, chatId, user.id, 'leave');
      const { members } = await this.chats.recipients(chatId);
      await q.removeMember(tx.client, chatId, user.id);
      await q.declineFutureInvitations(tx.client, chatId, user.id);
      const event = { kind: 'chat.member_left' as const, chatId, member: personOf(user) };
      // The leaver hears it too: their other devices drop the chat.
      await tx.write(null, [], eventsForPeople(members, event));
    });
    await this.chats.membersChanged(chatId);
  }

  /** The creator removes a member (a person or a bot); removing oneself is leaving. */
  async remove(user: User, chatId: string, memberId: string): Promise<void> {
    if (memberId === user.id) return this.leave(user, chatId);
    await this.fanout.atomically(async (tx) => {
      const chat = await this.lockGroup(tx.client, chatId, user.id, 'be removed from');
      if (chat.created_by_id !== user.id) throw appError('not_group_creator');
      const { members } = await this.chats.recipients(chatId);
      if (!isUuid(memberId) || !members.some((m) => m.userId === memberId)) {
        throw appError('user_not_found');
      }
      const [removed] = await q.people(tx.client, [memberId]);
      await q.removeMember(tx.client, chatId, memberId);
      await q.dropInvitation(tx.client, chatId, memberId);
      const event = {
        kind: 'chat.member_removed' as const,
        chatId,
        member: toPerson(removed!),
        by: personOf(user),
      };
      await tx.write(null, [], eventsForPeople(members, event));
    });
    await this.chats.membersChanged(chatId);
  }

  /**
   * The chat, locked against concurrent membership changes, after checking that `userId` is
   * a member (403) and that it is a group (400, worded with `doing`).
   */
  private async lockGroup(tx: Queryable, chatId: string, userId: string, doing: string) {
    const chat = isUuid(chatId) ? await q.lockChat(tx, chatId) : undefined;
    if (!chat) throw appError('chat_not_found');
    if (!(await q.isMember(tx, chatId, userId))) throw appError('not_a_member');
    if (chat.type !== 'group') throw appError('not_a_group', { detail: doing });
    return chat;
  }

  /** 429 once the creator made `perUserPerDay` groups in the last 24 hours. */
  private async checkDailyCap(tx: Queryable, userId: string): Promise<void> {
    const cap = this.limits.perUserPerDay;
    if (cap === 0) return;
    // Serialises one creator's creations, so concurrent ones cannot all pass the count.
    await q.lockCreator(tx, userId);
    const { n, oldest } = await q.recentGroups(tx, userId);
    if (n < cap) return;
    const retryAfter = Math.max(1, Math.ceil((oldest!.getTime() + DAY_MS - Date.now()) / 1000));
    throw appError('too_many_groups', { detail: String(cap), retryAfter });
  }

  private async botUsers(tx: Queryable, botIds: string[]): Promise<string[]> {
    if (botIds.length === 0) return [];
    const users = await q.botUsers(tx, botIds);
    if (users.length !== new Set(botIds).size) throw appError('bot_not_found');
    return users;
  }

  /** User ids split into bot identities (added at once) and people (invited). */
  private async sortOut(
    tx: Queryable,
    userIds: string[],
  ): Promise<{ bots: string[]; people: string[] }> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return { bots: [], people: [] };
    const rows = await q.people(tx, ids);
    if (rows.length !== ids.length) throw appError('user_not_found');
    if (rows.some((r) => r.is_bot && !r.active_bot)) throw appError('bot_not_found');
    return {
      bots: rows.filter((r) => r.is_bot).map((r) => r.id),
      people: rows.filter((r) => !r.is_bot).map((r) => r.id),
    };
  }
}
