import { randomBytes } from 'node:crypto';
import type { Db, Sql } from '../../infra/db/prisma';
import type { Bot, User } from '../../generated/prisma/client';
import { appError } from '../errors';
import { isUniqueViolation } from '../db-errors';
import { parse } from '../validation';
import { isUuid } from '../ids';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { hashApiKey, newApiKey, parseBotToken, telegramToken } from './api-key';
import { BotAuthCache } from './auth-cache';
import { BotsRepository } from './bots.repository';
import { registerBotBody, setCommandsBody, type Permission } from './bots.schemas';

export type BotWithUser = Bot & { user: User };

export interface PublicBot {
  id: string;
  user_id: string;
  owner_id: string;
  name: string;
  username: string;
  description: string;
  avatar: string | null;
  is_active: boolean;
  commands: { command: string; description: string }[];
  permissions: string[];
  created_at: string;
}

export const toPublicBot = (b: BotWithUser): PublicBot => ({
  id: b.id,
  user_id: b.userId,
  owner_id: b.ownerId,
  name: b.name,
  username: b.user.username,
  description: b.description,
  avatar: b.avatar,
  is_active: b.isActive,
  commands: b.commands as PublicBot['commands'],
  permissions: b.permissions,
  created_at: b.createdAt.toISOString(),
});

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
  ) {
    this.cache = new BotAuthCache(bus);
    this.repo = new BotsRepository(sql);
  }

  async register(
    ownerId: string,
    input: unknown,
  ): Promise<{ bot: PublicBot; api_key: string; telegram_token: string }> {
    const body = parse(registerBotBody, input);
    const apiKey = newApiKey();
    for (let attempt = 0; ; attempt++) {
      const username = body.username ?? derivedUsername(body.name);
      try {
        const bot = await this.db.bot.create({
          data: {
            owner: { connect: { id: ownerId } },
            user: { create: { username, displayName: body.name, isBot: true } },
            name: body.name,
            description: body.description ?? '',
            avatar: body.avatar ?? null,
            commands: body.commands ?? [],
            ...(body.permissions && { permissions: body.permissions }),
            apiKeyHash: hashApiKey(apiKey),
          },
          include: { user: true },
        });
        return {
          bot: toPublicBot(bot),
          api_key: apiKey,
          telegram_token: telegramToken(bot.numericId, apiKey),
        };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (body.username) throw appError('bot_username_taken');
        if (attempt >= 3) throw err;
      }
    }
  }

  async listOwned(ownerId: string): Promise<PublicBot[]> {
    const bots = await this.db.bot.findMany({
      where: { ownerId },
      include: { user: true },
      orderBy: { createdAt: 'asc' },
    });
    return bots.map(toPublicBot);
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

  async setCommands(bot: BotWithUser, input: unknown): Promise<PublicBot> {
    const { commands } = parse(setCommandsBody, input);
    const updated = await this.db.bot.update({
      where: { id: bot.id },
      data: { commands },
      include: { user: true },
    });
    await this.cache.invalidate(bot.id);
    return toPublicBot(updated);
  }
}

export function requirePermission(bot: Bot, permission: Permission): void {
  if (!bot.permissions.includes(permission)) {
    throw appError('missing_permission', { detail: permission });
  }
}
