import { randomBytes, randomUUID } from 'node:crypto';
import type { Db, Sql } from '../../infra/db/prisma';
import type { Bot, User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUniqueViolation } from '../db-errors';
import { isUuid } from '../ids';
import {
  afterCursor,
  cursorOrder,
  pageOf,
  pageSize,
  type Page,
  type PageRequest,
} from '../pagination';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import type { MediaFile } from '../media/media.service';
import { newTgId } from '../users/tg-id';
import { hashApiKey, newApiKey, parseBotToken, tokensFor, type BotTokens } from './api-key';
import { BotAuthCache } from './auth-cache';
import { avatarInput } from './avatar';
import { BotsRepository } from './bots.repository';
import {
  PERMISSIONS,
  type BotCommand,
  type Permission,
  type RegisterBotCommand,
} from './bots.schemas';

export type BotWithUser = Bot & { user: User };

export interface BotProfileChange {
  name?: string;
  description?: string;
  shortDescription?: string;
}

/** A bot with its new key: the key is shown once, here, and stored only as a digest. */
export interface RegisteredBot extends BotTokens {
  bot: BotWithUser;
}

/** The bot's command menu; the column is only ever written from the `commands` schema. */
export const commandsOf = (bot: Bot): BotCommand[] => bot.commands as BotCommand[];

/** "My Cool Bot" → "my_cool_3f9a1c_bot": unique enough; retried on the rare collision. */
function derivedUsername(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 16);
  return `${slug || 'b'}_${randomBytes(3).toString('hex')}_bot`;
}

export class BotsService {
  private readonly cache: BotAuthCache<BotWithUser>;
  private readonly repo: BotsRepository;

  constructor(
    private readonly db: Db,
    sql: Sql,
    bus: WakeupBus,
    /** MAX_BOTS_PER_OWNER. */
    private readonly maxPerOwner: number,
  ) {
    this.cache = new BotAuthCache(bus);
    this.repo = new BotsRepository(sql);
  }

  /** 409 `too_many_bots` once the owner has MAX_BOTS_PER_OWNER bots. */
  async register(ownerId: string, body: RegisterBotCommand): Promise<RegisteredBot> {
    const apiKey = newApiKey();
    const avatar = body.avatar === undefined ? undefined : avatarInput(body.avatar);
    for (let attempt = 0; ; attempt++) {
      const username = body.username ?? derivedUsername(body.name);
      try {
        const bot = await this.repo.create(
          {
            id: randomUUID(),
            ownerId,
            username,
            tgId: newTgId(),
            name: body.name,
            description: body.description ?? '',
            avatarUrl: avatar && 'url' in avatar ? avatar.url : null,
            avatar: avatar && 'image' in avatar ? avatar.image : null,
            commands: body.commands ?? [],
            permissions: body.permissions ?? [...PERMISSIONS],
            apiKeyHash: hashApiKey(apiKey),
          },
          this.maxPerOwner,
        );
        if (!bot) throw appError('too_many_bots', { detail: String(this.maxPerOwner) });
        return { bot, ...tokensFor(bot.user.tgId, apiKey) };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (body.username) throw appError('bot_username_taken');
        if (attempt >= 3) throw err;
      }
    }
  }

  /** The owner's bots, oldest first, a page at a time. */
  async listOwned(ownerId: string, page: PageRequest = {}): Promise<Page<BotWithUser>> {
    const size = pageSize(page.limit);
    const rows = await this.db.bot.findMany({
      where: { ownerId, ...afterCursor(page.cursor, 'asc') },
      include: { user: true },
      orderBy: cursorOrder('asc'),
      take: size + 1,
    });
    return pageOf(rows, size);
  }

  /**
   * Owner only; someone else's bot is indistinguishable from a missing one. Its username is
   * free again at once (its user row stays, renamed, so its messages keep their sender).
   */
  async delete(ownerId: string, botId: string): Promise<void> {
    if (!isUuid(botId)) throw appError('bot_not_found');
    if (!(await this.repo.delete(ownerId, botId))) throw appError('bot_not_found');
    await this.cache.invalidate(botId);
  }

  /**
   * An uploaded avatar, for the bot's owner and for people who share a chat with the bot;
   * anyone else (and a bot without one) gets a 404, as for a missing bot.
   */
  async avatar(viewerId: string, botId: string): Promise<MediaFile> {
    const a = isUuid(botId)
      ? await this.db.botAvatar.findFirst({
          where: {
            botId,
            bot: {
              OR: [
                { ownerId: viewerId },
                {
                  user: {
                    memberships: {
                      some: { chat: { members: { some: { userId: viewerId } } } },
                    },
                  },
                },
              ],
            },
          },
        })
      : null;
    if (!a) throw appError('avatar_not_found');
    return {
      kind: 'photo',
      mime: a.mime,
      fileName: null,
      size: a.size,
      sha256: a.sha256,
      data: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
    };
  }

  /**
   * A new key for the owner's bot; the old one is refused at once, here and (through the
   * invalidation) in every other process.
   */
  async rotateKey(ownerId: string, botId: string): Promise<RegisteredBot> {
    if (!isUuid(botId)) throw appError('bot_not_found');
    const apiKey = newApiKey();
    const { count } = await this.db.bot.updateMany({
      where: { id: botId, ownerId },
      data: { apiKeyHash: hashApiKey(apiKey) },
    });
    if (count === 0) throw appError('bot_not_found');
    await this.cache.invalidate(botId);
    const bot = await this.db.bot.findUniqueOrThrow({
      where: { id: botId },
      include: { user: true },
    });
    return { bot, ...tokensFor(bot.user.tgId, apiKey) };
  }

  /**
   * The bot behind a key in any spelling (the Telegram one's digits must match too), or 401.
   * Looked up by digest, from the in-process cache when it can be trusted (see auth-cache).
   * Unknown keys are not cached: a bad token always costs its caller a lookup.
   */
  async authenticate(token: string): Promise<BotWithUser> {
    const parsed = parseBotToken(token);
    if (!parsed) throw appError('invalid_bot_token');
    const digest = hashApiKey(parsed.key);
    const bot = this.cache.get(digest) ?? (await this.lookup(digest));
    const digitsMatch = parsed.numericId === undefined || parsed.numericId === bot?.user.tgId;
    if (!bot || !bot.isActive || !digitsMatch) throw appError('invalid_bot_token');
    return bot;
  }

  private async lookup(digest: string): Promise<BotWithUser | undefined> {
    const before = this.cache.stateBeforeRead();
    const found = await this.repo.byKeyDigest(digest);
    if (!found) return undefined;
    this.cache.put(
      digest,
      found.bot.id,
      found.fingerprint,
      found.bot,
      approxBytes(found.bot),
      before,
    );
    return found.bot;
  }

  /**
   * One statement for every cached bot: drop those whose rows changed or went away without
   * the invalidation reaching this process.
   */
  async auditCache(): Promise<void> {
    const cached = this.cache.fingerprints();
    if (cached.size === 0) return;
    const now = await this.repo.fingerprints([...cached.keys()]);
    for (const [botId, fingerprint] of cached) {
      if (now.get(botId) !== fingerprint) this.cache.evictIfStale(botId, now.get(botId));
    }
  }

  /** An active bot by id (a webhook reply's method runs as it), or 401. */
  async get(botId: string): Promise<BotWithUser> {
    const bot = isUuid(botId)
      ? await this.db.bot.findUnique({ where: { id: botId }, include: { user: true } })
      : null;
    if (!bot || !bot.isActive) throw appError('invalid_bot_token');
    return bot;
  }

  /**
   * An active bot by its username (any case, `@` optional): the public profile anyone signed
   * in may look up before opening a chat with it. 404 when there is none.
   */
  async byUsername(username: string): Promise<BotWithUser> {
    const name = username.replace(/^@/, '').toLowerCase();
    const bot = /^[a-z0-9_]{1,32}$/.test(name)
      ? await this.db.bot.findFirst({
          where: { isActive: true, user: { username: name } },
          include: { user: true },
        })
      : null;
    if (!bot) throw appError('bot_not_found');
    return bot;
  }

  /**
   * The bot's name (also its user's display name: what chats show), description or short
   * description, as the bot sets them itself; whatever is undefined stays.
   */
  async setProfile(bot: BotWithUser, profile: BotProfileChange): Promise<BotWithUser> {
    const updated = await this.db.bot.update({
      where: { id: bot.id },
      data: {
        ...(profile.name !== undefined && {
          name: profile.name,
          user: { update: { displayName: profile.name } },
        }),
        ...(profile.description !== undefined && { description: profile.description }),
        ...(profile.shortDescription !== undefined && {
          shortDescription: profile.shortDescription,
        }),
      },
      include: { user: true },
    });
    await this.cache.invalidate(bot.id);
    return updated;
  }

  async setCommands(bot: BotWithUser, commands: BotCommand[]): Promise<BotWithUser> {
    const updated = await this.db.bot.update({
      where: { id: bot.id },
      data: { commands },
      include: { user: true },
    });
    await this.cache.invalidate(bot.id);
    return updated;
  }
}

/** What a cached bot holds, roughly: its strings and JSON, two bytes a character. */
function approxBytes(bot: BotWithUser): number {
  const json = JSON.stringify(bot, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return json.length * 2;
}

export function requirePermission(bot: Bot, permission: Permission): void {
  if (!bot.permissions.includes(permission)) {
    throw appError('missing_permission', { detail: permission });
  }
}
