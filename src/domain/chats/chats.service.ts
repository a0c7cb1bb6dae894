import type { Db, Sql } from '../../infra/db/prisma';
import type { Chat, User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUniqueViolation } from '../db-errors';
import { isUuid } from '../ids';
import { parse } from '../validation';
import type { BotWithUser } from '../bots/bots.service';
import { messageInclude, viewOf } from '../messages/message-query';
import type { MessengerMessage } from '../messages/message-view';
import { addMemberBody, chatQuery, openChatBody } from './chats.schemas';
import { ChatsRepository } from './chats.repository';

export interface ChatMemberView {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  bot_id?: string;
}

export interface ChatView {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  members: ChatMemberView[];
  pinned_message_id: string | null;
  created_at: string;
}

/** getChat as a bot sees it: the pinned message in full. */
export interface BotChatView extends ChatView {
  pinned_message: MessengerMessage | null;
}

/** A chat member as the fan-out needs it: who, and if a bot, which bot. */
export interface Recipient {
  userId: string;
  username: string;
  isBot: boolean;
  botId: string | null;
  botPermissions: string[];
}

const memberInclude = {
  members: {
    include: { user: { include: { botProfile: { select: { id: true, isActive: true } } } } },
    orderBy: { joinedAt: 'asc' as const },
  },
};

type ChatWithMembers = Chat & {
  members: { user: User & { botProfile: { id: string; isActive: boolean } | null } }[];
};

export function toChatView(chat: ChatWithMembers, viewerId?: string): ChatView {
  const members = chat.members.map(({ user }) => ({
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    is_bot: user.isBot,
    ...(user.botProfile && { bot_id: user.botProfile.id }),
  }));
  // A private chat is titled after the other party, as messengers show it.
  const other = members.find((m) => m.id !== viewerId);
  return {
    id: chat.id,
    type: chat.type,
    title: chat.title ?? (chat.type === 'private' ? (other?.display_name ?? null) : null),
    members,
    pinned_message_id: chat.pinnedMessageId,
    created_at: chat.createdAt.toISOString(),
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
  async open(user: User, input: unknown): Promise<{ chat: ChatView; created: boolean }> {
    const body = parse(openChatBody, input);
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
    return { chat: toChatView(chat, user.id), created: true };
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
    if (existing) return { chat: toChatView(existing, user.id), created: false };
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
      return { chat: toChatView(chat, user.id), created: true };
    } catch (err) {
      // A concurrent open created it first: return that one.
      if (!isUniqueViolation(err)) throw err;
      const chat = await this.db.chat.findUniqueOrThrow({
        where: { privateKey },
        include: memberInclude,
      });
      return { chat: toChatView(chat, user.id), created: false };
    }
  }

  async list(user: User): Promise<ChatView[]> {
    const chats = await this.db.chat.findMany({
      where: { members: { some: { userId: user.id } } },
      include: memberInclude,
      orderBy: { createdAt: 'desc' },
    });
    return chats.map((c) => toChatView(c, user.id));
  }

  async get(user: User, chatId: string): Promise<ChatView> {
    const chat = await this.loadWithMembers(chatId);
    if (!chat.members.some((m) => m.user.id === user.id)) {
      throw appError('not_a_member');
    }
    return toChatView(chat, user.id);
  }

  /** getChat `?chat_id=`: a chat the bot is a member of. */
  async getForBot(bot: BotWithUser, query: unknown): Promise<BotChatView> {
    const { chat_id: chatId } = parse(chatQuery, query);
    const chat = await this.loadWithMembers(chatId);
    if (!chat.members.some((m) => m.user.id === bot.userId)) {
      throw appError('not_a_member');
    }
    const pinned = chat.pinnedMessageId
      ? await this.db.message.findFirst({
          where: { id: chat.pinnedMessageId, deletedAt: null },
          include: messageInclude,
        })
      : null;
    return { ...toChatView(chat, bot.userId), pinned_message: pinned && viewOf(pinned) };
  }

  async addMember(user: User, chatId: string, input: unknown): Promise<ChatView> {
    const body = parse(addMemberBody, input);
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
    return toChatView(await this.loadWithMembers(chatId), user.id);
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
  async recipients(chatId: string): Promise<{ chatType: string; members: Recipient[] }> {
    if (!isUuid(chatId)) throw appError('chat_not_found');
    const rows = await this.repo.recipients(chatId);
    if (rows.length === 0) throw appError('chat_not_found');
    return {
      chatType: rows[0]!.chat_type,
      members: rows.map((r) => ({
        userId: r.user_id,
        username: r.username,
        isBot: r.is_bot,
        botId: r.bot_id,
        botPermissions: r.permissions ?? [],
      })),
    };
  }
}
