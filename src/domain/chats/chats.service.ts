import type { Db, Sql } from '../../infra/db/prisma';
import type { Chat, User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUniqueViolation } from '../db-errors';
import { isUuid } from '../ids';
import type { BotWithUser } from '../bots/bots.service';
import { ChatsRepository } from './chats.repository';
import type { ChatType, MessageRecord, Person } from '../messages/message';
import { findInChat, personOf } from '../messages/message-query';
import type { OpenChat, NewMember } from './chats.schemas';
import { requireMember } from './membership';

export interface ChatMember extends Person {
  /** The bot behind a bot member. */
  botId: string | null;
  /** A bot member's custody of its secret key ("managed" or "self"). */
  keyCustody: string | null;
}

export interface ChatRecord {
  id: string;
  type: ChatType;
  title: string | null;
  /** Oldest member first. */
  members: ChatMember[];
  pinnedMessageId: string | null;
  createdAt: Date;
}

/** A chat the way its bot member reads it: the pinned message in full. */
export interface BotChat {
  chat: ChatRecord;
  pinned: MessageRecord | null;
}

/** A chat member as the fan-out needs it: who, and if a bot, which bot. */
export interface Recipient {
  userId: string;
  username: string;
  isBot: boolean;
  /** NaCl box public key (base64), null when none. */
  publicKey: string | null;
  botId: string | null;
  botPermissions: string[];
}

const memberInclude = {
  members: {
    include: {
      user: { include: { botProfile: { select: { id: true, isActive: true, keyCustody: true } } } },
    },
    orderBy: { joinedAt: 'asc' as const },
  },
};

type ChatWithMembers = Chat & {
  members: {
    user: User & {
      botProfile: { id: string; isActive: boolean; keyCustody: string | null } | null;
    };
  }[];
};

function toChatRecord(chat: ChatWithMembers): ChatRecord {
  return {
    id: chat.id,
    type: chat.type,
    title: chat.title,
    members: chat.members.map(({ user }) => ({
      ...personOf(user),
      botId: user.botProfile?.id ?? null,
      keyCustody: user.botProfile?.keyCustody ?? null,
    })),
    pinnedMessageId: chat.pinnedMessageId,
    createdAt: chat.createdAt,
  };
}

export class ChatsService {
  private readonly repo: ChatsRepository;

  constructor(
    private readonly db: Db,
    sql: Sql,
  ) {
    this.repo = new ChatsRepository(sql);
  }

  /** `{bot_id}` → the private chat with that bot (created once); `{type:"group"}` → a new group. */
  async open(user: User, body: OpenChat): Promise<{ chat: ChatRecord; created: boolean }> {
    if ('bot_id' in body) return this.openPrivate(user, body.bot_id);
    const botUsers = await this.botUserIds(body.bot_ids);
    const memberIds = [...new Set([user.id, ...body.member_ids, ...botUsers])];
    const found = await this.db.user.count({ where: { id: { in: memberIds } } });
    if (found !== memberIds.length) throw appError('user_not_found');
    const chat = await this.db.chat.create({
      data: {
        type: 'group',
        title: body.title,
        createdById: user.id,
        members: { create: memberIds.map((userId) => ({ userId })) },
      },
      include: memberInclude,
    });
    return { chat: toChatRecord(chat), created: true };
  }

  private async botUserIds(botIds: string[]): Promise<string[]> {
    if (botIds.length === 0) return [];
    const bots = await this.db.bot.findMany({ where: { id: { in: botIds }, isActive: true } });
    if (bots.length !== new Set(botIds).size) throw appError('bot_not_found');
    return bots.map((b) => b.userId);
  }

  private async openPrivate(user: User, botId: string) {
    const bot = await this.db.bot.findUnique({ where: { id: botId } });
    if (!bot || !bot.isActive) throw appError('bot_not_found');
    const privateKey = [user.id, bot.userId].sort().join(':');
    const existing = await this.db.chat.findUnique({
      where: { privateKey },
      include: memberInclude,
    });
    if (existing) return { chat: toChatRecord(existing), created: false };
    try {
      const chat = await this.db.chat.create({
        data: {
          type: 'private',
          privateKey,
          createdById: user.id,
          members: { create: [{ userId: user.id }, { userId: bot.userId }] },
        },
        include: memberInclude,
      });
      return { chat: toChatRecord(chat), created: true };
    } catch (err) {
      // A concurrent open created it first: return that one.
      if (!isUniqueViolation(err)) throw err;
      const chat = await this.db.chat.findUniqueOrThrow({
        where: { privateKey },
        include: memberInclude,
      });
      return { chat: toChatRecord(chat), created: false };
    }
  }

  async list(user: User): Promise<ChatRecord[]> {
    const chats = await this.db.chat.findMany({
      where: { members: { some: { userId: user.id } } },
      include: memberInclude,
      orderBy: { createdAt: 'desc' },
    });
    return chats.map(toChatRecord);
  }

  async get(user: User, chatId: string): Promise<ChatRecord> {
    const chat = await this.loadWithMembers(chatId);
    if (!chat.members.some((m) => m.user.id === user.id)) throw appError('not_a_member');
    return toChatRecord(chat);
  }

  /** getChat: a chat the bot is a member of, with its pinned message. */
  async getForBot(bot: BotWithUser, chatId: string): Promise<BotChat> {
    const chat = await this.loadWithMembers(chatId);
    if (!chat.members.some((m) => m.user.id === bot.userId)) throw appError('not_a_member');
    const pinned = chat.pinnedMessageId
      ? ((await findInChat(this.db, chat.id, chat.pinnedMessageId)) ?? null)
      : null;
    return { chat: toChatRecord(chat), pinned };
  }

  async addMember(user: User, chatId: string, body: NewMember): Promise<ChatRecord> {
    const chat = await this.loadWithMembers(chatId);
    if (!chat.members.some((m) => m.user.id === user.id)) throw appError('not_a_member');
    if (chat.type !== 'group') throw appError('not_a_group');
    const newUserId =
      'bot_id' in body
        ? (await this.botUserIds([body.bot_id]))[0]!
        : await this.userId(body.user_id);
    await this.db.chatMember.upsert({
      where: { chatId_userId: { chatId, userId: newUserId } },
      create: { chatId, userId: newUserId },
      update: {},
    });
    return toChatRecord(await this.loadWithMembers(chatId));
  }

  private async userId(id: string): Promise<string> {
    const u = await this.db.user.findUnique({ where: { id }, select: { id: true } });
    if (!u) throw appError('user_not_found');
    return u.id;
  }

  private async loadWithMembers(chatId: string): Promise<ChatWithMembers> {
    const chat = isUuid(chatId)
      ? await this.db.chat.findUnique({ where: { id: chatId }, include: memberInclude })
      : null;
    if (!chat) throw appError('chat_not_found');
    return chat;
  }

  /**
   * The chat's type and members with their bot identities, in one query: what every send
   * needs to check membership and fan out. Unknown chat → 404.
   */
  async recipients(chatId: string): Promise<{ chatType: ChatType; members: Recipient[] }> {
    if (!isUuid(chatId)) throw appError('chat_not_found');
    const rows = await this.repo.recipients(chatId);
    if (rows.length === 0) throw appError('chat_not_found');
    return {
      chatType: rows[0]!.chat_type,
      members: rows.map((r) => ({
        userId: r.user_id,
        username: r.username,
        isBot: r.is_bot,
        publicKey: r.public_key,
        botId: r.bot_id,
        botPermissions: r.permissions ?? [],
      })),
    };
  }

  /** The chat's type and members, for someone acting in it: 403 unless they are a member. */
  async audience(
    chatId: string,
    memberId: string,
  ): Promise<{ chatType: ChatType; members: Recipient[] }> {
    const found = await this.recipients(chatId);
    requireMember(found.members, memberId);
    return found;
  }
}
