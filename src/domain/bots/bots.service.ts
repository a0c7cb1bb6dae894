import { randomBytes } from 'node:crypto';
import type { Db, Sql } from '../../infra/db/prisma';
import type { Bot, User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUniqueViolation } from '../db-errors';
import { isUuid } from '../ids';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { hashApiKey, newApiKey, parseBotToken, telegramToken } from './api-key';
import { BotAuthCache } from './auth-cache';
import { BotsRepository } from './bots.repository';
import type { BotCommand, Permission, RegisterBotCommand } from './bots.schemas';
import { newManagedIdentity } from '../e2e/managed-keys';

export type BotWithUser = Bot & { user: User };

/** A new bot with its credentials: the key is shown once, here, and stored only as a digest. */
export interface RegisteredBot {
  bot: BotWithUser;
  apiKey: string;
  /** The same key in Telegram's `<digits>:<secret>` spelling. */
  telegramToken: string;
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
    private readonly gatewayKey: Uint8Array,
  ) {
    this.cache = new BotAuthCache(bus);
    this.repo = new BotsRepository(sql);
  }

  async register(ownerId: string, body: RegisterBotCommand): Promise<RegisteredBot> {
    const apiKey = newApiKey();
    const managed = body.public_key ? null : newManagedIdentity(this.gatewayKey);
    const publicKey = body.public_key ?? managed!.publicKey;
    for (let attempt = 0; ; attempt++) {
      const username = body.username ?? derivedUsername(body.name);
      try {
        const bot = await this.db.bot.create({
          data: {
            owner: { connect: { id: ownerId } },
            user: { create: { username, displayName: body.name, isBot: true, publicKey } },
            name: body.name,
            description: body.description ?? '',
            avatar: body.avatar ?? null,
            commands: body.commands ?? [],
            ...(body.permissions && { permissions: body.permissions }),
            apiKeyHash: hashApiKey(apiKey),
            keyCustody: managed ? 'managed' : 'self',
            ...(managed && { secretKey: { create: { secretKeySealed: managed.secretKeySealed } } }),
          },
          include: { user: true },
        });
        return { bot, apiKey, telegramToken: telegramToken(bot.numericId, apiKey) };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (body.username) throw appError('bot_username_taken');
        if (attempt >= 3) throw err;
      }
    }
  }

  async listOwned(ownerId: string): Promise<BotWithUser[]> {
    return this.db.bot.findMany({
      where: { ownerId },
      include: { user: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Owner only; someone else's bot is indistinguishable from a missing one. */
  async delete(ownerId: string, botId: string): Promise<void> {
    if (!isUuid(botId)) throw appError('bot_not_found');
    const { count } = await this.db.bot.deleteMany({ where: { id: botId, ownerId } });
    if (count === 0) throw appError('bot_not_found');
    await this.cache.invalidate(botId);
  }

  /**
   * The bot behind an API key (or its Telegram form, whose digits must match too), or 401.
   * Looked up by digest, from the in-process cache when it can be trusted (see auth-cache).
   * Unknown keys are not cached: a bad token always costs its caller a lookup.
   */
  async authenticate(token: string): Promise<BotWithUser> {
    const parsed = parseBotToken(token);
    if (!parsed) throw appError('invalid_bot_token');
    const digest = hashApiKey(parsed.key);
    const bot = this.cache.get(digest) ?? (await this.lookup(digest));
    const digitsMatch = parsed.numericId === undefined || parsed.numericId === bot?.numericId;
    if (!bot || !bot.isActive || !digitsMatch) throw appError('invalid_bot_token');
    return bot;
  }

  private async lookup(digest: string): Promise<BotWithUser | undefined> {
    const before = this.cache.stateBeforeRead();
    const found = await this.repo.byKeyDigest(digest);
    if (!found) return undefined;
    this.cache.put(digest, found.bot.id, found.fingerprint, found.bot, before);
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
   * Owner only: the bot keeps its own key pair from now on (self custody); a managed secret
   * key is destroyed, so the platform can no longer read the bot's chats.
   */
  async setPublicKey(ownerId: string, botId: string, publicKey: string): Promise<BotWithUser> {
    if (!isUuid(botId)) throw appError('bot_not_found');
    const bot = await this.db.$transaction(async (tx) => {
      const { count } = await tx.bot.updateMany({
        where: { id: botId, ownerId },
        data: { keyCustody: 'self' },
      });
      if (count === 0) throw appError('bot_not_found');
      await tx.botSecretKey.deleteMany({ where: { botId } });
      return tx.bot.update({
        where: { id: botId },
        data: { user: { update: { publicKey } } },
        include: { user: true },
      });
    });
    await this.cache.invalidate(botId);
    return bot;
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

export function requirePermission(bot: Bot, permission: Permission): void {
  if (!bot.permissions.includes(permission)) {
    throw appError('missing_permission', { detail: permission });
  }
}
