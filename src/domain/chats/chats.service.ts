import type { Db, Sql } from '../../infra/db/prisma';
import type { Chat, Prisma, User } from '../../generated/prisma/client';
import type { BotCommand } from '../bots/bots.schemas';
import { appError, invalid } from '../errors';
import { newTgId } from '../users/tg-id';
import { isUniqueViolation } from '../db-errors';
import { isUuid } from '../ids';
import type { BotWithUser } from '../bots/bots.service';
import { ChatsRepository, type RecipientRow } from './chats.repository';
import type { ChatType, MessageRecord, Person } from '../messages/message';
import { findInChat, personOf } from '../messages/message-query';
import {
  afterCursor,
  cursorOrder,
  pageOf,
  pageSize,
  type Page,
  type PageRequest,
} from '../pagination';
import { canRead } from '../messages/bot-reading';
import { requireMember } from './membership';
import { sharedPermissions } from '../bots/permission-lists';
import { dropStale } from '../fingerprint-audit';
import {
  audienceBytes,
  audienceTags,
  CHATS_CHANGED,
  frozen,
  type AudienceCache,
} from './audience-cache';

export interface ChatMember extends Person {
  /** The bot behind a bot member. */
  botId: string | null;
  /** A bot member's custody of its secret key ("managed" or "self"). */
  keyCustody: string | null;
  /** A bot member's mini app (what its menu button opens), if it has one. */
  webappUrl: string | null;
  /** A bot member's command menu (what people's clients offer); empty for people. */
  commands: BotCommand[];
}

export interface ChatRecord {
  id: string;
  type: ChatType;
  /** The chat's id on the Telegram form. */
  tgId: number;
  title: string | null;
  /** Oldest member first. */
  members: ChatMember[];
  pinnedMessageId: string | null;
  /** Who made the chat: a group's creator (its owner, to Telegram). */
  createdById: string;
  createdAt: Date;
}

/** A chat the way its bot member reads it: the pinned message in full. */
export interface BotChat {
  chat: ChatRecord;
  pinned: MessageRecord | null;
}

/** How a bot may name a chat besides its UUID: a person's tg_id or username, a group's tg_id. */
export type ChatLookup = { id: string } | { tgId: bigint } | { username: string };

/** A chat's type, Telegram-form id and members: what a send needs. */
export interface ChatAudience {
  chatType: ChatType;
  chatTgId: number;
  /** What the chat is called (chatNameOf). */
  chatName: string;
  members: Recipient[];
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

export const memberInclude = {
  members: {
    include: {
      user: {
        include: {
          botProfile: {
            select: { id: true, isActive: true, keyCustody: true, webappUrl: true, commands: true },
          },
        },
      },
    },
    orderBy: { joinedAt: 'asc' as const },
  },
};

export type ChatWithMembers = Chat & {
  members: {
    user: User & {
      botProfile: {
        id: string;
        isActive: boolean;
        keyCustody: string | null;
        webappUrl: string | null;
        commands: Prisma.JsonValue;
      } | null;
    };
  }[];
};

export function toChatRecord(chat: ChatWithMembers): ChatRecord {
  return {
    id: chat.id,
    type: chat.type,
    tgId: Number(chat.tgId),
    title: chat.title,
    members: chat.members.map(({ user }) => ({
      ...personOf(user),
      botId: user.botProfile?.id ?? null,
      keyCustody: user.botProfile?.keyCustody ?? null,
      webappUrl: user.botProfile?.webappUrl ?? null,
      commands: (user.botProfile?.commands ?? []) as BotCommand[],
    })),
    pinnedMessageId: chat.pinnedMessageId,
    createdById: chat.createdById,
    createdAt: chat.createdAt,
  };
}

/**
 * What a chat is called, as Telegram names it to a bot: a group its title, a private chat
 * its person (display name, else username).
 */
export function chatNameOf(
  title: string | null,
  person: { displayName: string; username: string } | undefined,
): string {
  return title ?? (person ? person.displayName || person.username : '');
}

export class ChatsService {
  private readonly repo: ChatsRepository;

  constructor(
    private readonly db: Db,
    sql: Sql,
    /** Audiences by chat id (see audience-cache.ts). */
    private readonly audiences: AudienceCache,
  ) {
    this.repo = new ChatsRepository(sql);
  }

  /**
   * After a change to the chat's members has COMMITTED (not before: a read in between would
   * cache the old members): no process answers from the old audience once this resolves.
   */
  async membersChanged(chatId: string): Promise<void> {
    await this.audiences.invalidate(CHATS_CHANGED, chatId.toLowerCase());
  }

  /** The private chat with a bot, created on first use; `created` says which. */
  async openPrivate(user: User, botId: string): Promise<{ chat: ChatRecord; created: boolean }> {
    const bot = isUuid(botId) ? await this.db.bot.findUnique({ where: { id: botId } }) : null;
    if (!bot || !bot.isActive) throw appError('bot_not_found');
    // A bot sees the chat as its person, as on Telegram.
    return this.openDirect(user, bot.userId, user.tgId);
  }

  /**
   * The private chat with whoever has `username`: a bot (as openPrivate) or another person.
   * Deleted bots' renamed rows and the system account have names no one can ask for.
   */
  async openByUsername(
    user: User,
    username: string,
  ): Promise<{ chat: ChatRecord; created: boolean }> {
    const other = await this.db.user.findUnique({
      where: { username },
      include: { botProfile: { select: { id: true, isActive: true } } },
    });
    if (!other) throw appError('user_not_found');
    if (other.botProfile) return this.openPrivate(user, other.botProfile.id);
    if (other.id === user.id) throw invalid('username', 'is your own');
    return this.openDirect(user, other.id, newTgId());
  }

  private async openDirect(
    user: User,
    otherUserId: string,
    tgId: bigint,
  ): Promise<{ chat: ChatRecord; created: boolean }> {
    const privateKey = [user.id, otherUserId].sort().join(':');
    const existing = await this.db.chat.findUnique({
      where: { privateKey },
      include: memberInclude,
    });
    if (existing) return this.opened(existing, false);
    try {
      const chat = await this.db.chat.create({
        data: {
          type: 'private',
          privateKey,
          tgId,
          createdById: user.id,
          members: { create: [{ userId: user.id }, { userId: otherUserId }] },
        },
        include: memberInclude,
      });
      return this.opened(chat, true);
    } catch (err) {
      // A concurrent open created it first: return that one.
      if (!isUniqueViolation(err)) throw err;
      const chat = await this.db.chat.findUniqueOrThrow({
        where: { privateKey },
        include: memberInclude,
      });
      return this.opened(chat, false);
    }
  }

  /**
   * A chat is opened to be written in: its audience is read now, beside this answer (the read
   * starts after the chat's COMMIT), so that the first send finds it cached. Not awaited; a
   * failed read is not kept, and the send reads again and answers for itself.
   */
  private opened(chat: ChatWithMembers, created: boolean) {
    this.recipients(chat.id).catch(() => undefined);
    return { chat: toChatRecord(chat), created };
  }

  /** The person's chats, newest first, a page at a time. */
  async list(user: User, page: PageRequest): Promise<Page<ChatRecord>> {
    const size = pageSize(page.limit);
    const rows = await this.db.chat.findMany({
      where: { members: { some: { userId: user.id } }, ...afterCursor(page.cursor, 'desc') },
      include: memberInclude,
      orderBy: cursorOrder('desc'),
      take: size + 1,
    });
    const { items, nextCursor } = pageOf(rows, size);
    return { items: items.map(toChatRecord), nextCursor };
  }

  async get(user: User, chatId: string): Promise<ChatRecord> {
    const chat = await this.load(chatId);
    if (!chat.members.some((m) => m.user.id === user.id)) throw appError('not_a_member');
    return toChatRecord(chat);
  }

  /** getChat: a chat the bot is a member of, with its pinned message. */
  async getForBot(bot: BotWithUser, chatId: string): Promise<BotChat> {
    const chat = await this.load(chatId);
    if (!chat.members.some((m) => m.user.id === bot.userId)) throw appError('not_a_member');
    // The pinned message is someone's text: only a reading bot gets it (the id stays).
    const pinned =
      chat.pinnedMessageId && canRead(bot)
        ? ((await findInChat(this.db, chat.id, chat.pinnedMessageId)) ?? null)
        : null;
    return { chat: toChatRecord(chat), pinned };
  }

  /** A chat with its members, whoever asks; 404 when there is none. */
  async load(chatId: string): Promise<ChatWithMembers> {
    const chat = isUuid(chatId)
      ? await this.db.chat.findUnique({ where: { id: chatId }, include: memberInclude })
      : null;
    if (!chat) throw appError('chat_not_found');
    return chat;
  }

  /**
   * The chat a bot names by `lookup`, if there is one: a person (by tg_id or username) names
   * the bot's private chat with them, a negative tg_id a group. Membership is checked by
   * whatever the bot then does with it.
   */
  async idForBot(bot: BotWithUser, lookup: ChatLookup): Promise<string | undefined> {
    if ('id' in lookup) return lookup.id;
    if ('tgId' in lookup) return this.repo.chatIdByTgId(lookup.tgId, bot.userId);
    const person = await this.db.user.findUnique({
      where: { username: lookup.username },
      select: { id: true },
    });
    if (!person) return undefined;
    const privateKey = [person.id, bot.userId].sort().join(':');
    const chat = await this.db.chat.findUnique({ where: { privateKey }, select: { id: true } });
    return chat?.id;
  }

  /**
   * The chat's type and members with their bot identities, in one query: what every send
   * needs to check membership and fan out. Unknown chat → 404.
   */
  async recipients(chatId: string): Promise<Readonly<ChatAudience>> {
    if (!isUuid(chatId)) throw appError('chat_not_found');
    const key = chatId.toLowerCase();
    const cached = this.audiences.get(key);
    if (cached) return cached;
    const before = this.audiences.stamp();
    const rows = await this.repo.recipients(chatId);
    // An unknown chat is not cached: it may be created at any time.
    if (rows.length === 0) throw appError('chat_not_found');
    const audience = frozen(audienceOf(rows));
    const { fingerprint } = rows[0]!;
    const tags = audienceTags(key, audience);
    this.audiences.put(key, tags, audience, audienceBytes(audience), before, fingerprint);
    return audience;
  }

  /**
   * One statement for every cached audience: drop those whose chat changed (or went away)
   * without the message reaching this process.
   */
  auditAudiences(): Promise<void> {
    return dropStale(this.audiences, (chatIds) => this.repo.fingerprints(chatIds));
  }

  /** The chat's type and members, for someone acting in it: 403 unless they are a member. */
  async audience(chatId: string, memberId: string): Promise<Readonly<ChatAudience>> {
    const found = await this.recipients(chatId);
    requireMember(found.members, memberId);
    return found;
  }
}

function audienceOf(rows: RecipientRow[]): ChatAudience {
  const person = rows.find((r) => !r.is_bot);
  return {
    chatType: rows[0]!.chat_type,
    chatTgId: Number(rows[0]!.chat_tg_id),
    chatName: chatNameOf(
      rows[0]!.chat_title,
      person && { ...person, displayName: person.display_name },
    ),
    members: rows.map((r) => ({
      userId: r.user_id,
      username: r.username,
      isBot: r.is_bot,
      publicKey: r.public_key,
      botId: r.bot_id,
      botPermissions: sharedPermissions(r.permissions),
    })),
  };
}
