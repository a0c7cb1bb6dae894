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
import type { BotRow } from '../users/user-rows';
import { openSecret, sealSecret } from '../crypto/secret-box';
import { webAppSecret } from '../webapps/init-data';
import { requireWebAppScheme } from '../webapps/webapp-url';
import { hashApiKey, newApiKey, parseBotToken, tokensFor, type BotTokens } from './api-key';
import { BotAuthCache } from './auth-cache';
import { avatarInput } from './avatar';
import { dropStale } from '../fingerprint-audit';
import { BotsRepository } from './bots.repository';
import {
  PERMISSIONS,
  type BotCommand,
  type EditBotCommand,
  type Permission,
  type RegisterBotCommand,
} from './bots.schemas';
import { newManagedIdentity } from '../e2e/managed-keys';

export type BotWithUser = BotRow & { user: User };

export interface BotProfileChange {
  name?: string;
  description?: string;
  shortDescription?: string;
}

/** A bot with its new key: the key is shown once, here, and stored only as a digest. */
export interface RegisteredBot extends BotTokens {
  bot: BotWithUser;
}

/** A bot's mini app, as its setters give it. */
export interface WebAppSetting {
  url: string;
  /** The menu button's label; absent: the messenger's default. */
  menuText?: string;
}

export interface BotsOptions {
  /** MAX_BOTS_PER_OWNER. */
  maxPerOwner: number;
  /** Seals managed bots' end-to-end secret keys (GATEWAY_KEY). */
  gatewayKey: Uint8Array;
  /** Seals the init-data key at rest. */
  masterKey: Uint8Array;
  /** WEBAPP_ALLOW_HTTP: http mini-app URLs, for local development. */
  webAppAllowHttp: boolean;
}

/** The bot's command menu; the column is only ever written from the `commands` schema. */
export const commandsOf = (bot: BotRow): BotCommand[] => bot.commands as BotCommand[];

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
    private readonly opts: BotsOptions,
  ) {
    this.cache = new BotAuthCache(bus);
    this.repo = new BotsRepository(sql);
  }

  /** 409 `too_many_bots` once the owner has MAX_BOTS_PER_OWNER bots. */
  async register(ownerId: string, body: RegisterBotCommand): Promise<RegisteredBot> {
    const apiKey = newApiKey();
    const managed = body.public_key ? null : newManagedIdentity(this.opts.gatewayKey);
    const publicKey = body.public_key ?? managed!.publicKey;
    const tgId = newTgId();
    const avatar = body.avatar === undefined ? undefined : avatarInput(body.avatar);
    for (let attempt = 0; ; attempt++) {
      const username = body.username ?? derivedUsername(body.name);
      try {
        const bot = await this.repo.create(
          {
            id: randomUUID(),
            ownerId,
            username,
            tgId,
            name: body.name,
            description: body.description ?? '',
            avatarUrl: avatar && 'url' in avatar ? avatar.url : null,
            avatar: avatar && 'image' in avatar ? avatar.image : null,
            commands: body.commands ?? [],
            permissions: body.permissions ?? [...PERMISSIONS],
            apiKeyHash: hashApiKey(apiKey),
            publicKey,
            keyCustody: managed ? 'managed' : 'self',
            secretKeySealed: managed?.secretKeySealed ?? null,
            webappSecretSealed: this.sealedWebAppSecret(tgId, apiKey),
          },
          this.opts.maxPerOwner,
        );
        if (!bot) throw appError('too_many_bots', { detail: String(this.opts.maxPerOwner) });
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
    const owned = await this.db.bot.findFirst({
      where: { id: botId, ownerId },
      include: { user: true },
    });
    if (!owned) throw appError('bot_not_found');
    // The init-data key follows the token: mini apps opened from now on are signed with it.
    const bot = await this.db.bot.update({
      where: { id: botId },
      data: {
        apiKeyHash: hashApiKey(apiKey),
        webappSecretSealed: this.sealedWebAppSecret(owned.user.tgId, apiKey),
      },
      include: { user: true },
    });
    await this.cache.invalidate(botId);
    return { bot, ...tokensFor(bot.user.tgId, apiKey) };
  }

  /**
   * The mini app the chat menu opens (null: none). `token` is the caller's, in any spelling:
   * the init-data key is derived from it here, which also gives it to bots registered before
   * mini apps existed (a webhook reply's call has none and keeps the key).
   */
  async setWebApp(
    bot: BotWithUser,
    token: string | undefined,
    app: WebAppSetting | null,
  ): Promise<BotWithUser> {
    if (app) requireWebAppScheme(app.url, this.opts.webAppAllowHttp, 'url');
    const key = token === undefined ? undefined : parseBotToken(token)?.key;
    const updated = await this.db.bot.update({
      where: { id: bot.id },
      data: {
        webappUrl: app?.url ?? null,
        webappMenuText: app?.menuText ?? null,
        ...(key && { webappSecretSealed: this.sealedWebAppSecret(bot.user.tgId, key) }),
      },
      include: { user: true },
    });
    await this.cache.invalidate(bot.id);
    return updated;
  }

  /**
   * The owner's edit (the console holds the owner's JWT, not the bot's key, which is shown
   * once): one transaction, so a refused field leaves nothing half-written. The mini app keeps
   * its init-data key (no token here, as setWebApp without one). Someone else's bot is 404.
   */
  async edit(ownerId: string, botId: string, edit: EditBotCommand): Promise<BotWithUser> {
    if (!isUuid(botId)) throw appError('bot_not_found');
    if (edit.webapp_url) {
      requireWebAppScheme(edit.webapp_url, this.opts.webAppAllowHttp, 'webapp_url');
    }
    const avatar =
      edit.avatar === undefined || edit.avatar === null ? edit.avatar : avatarInput(edit.avatar);
    const bot = await this.db.$transaction(async (tx) => {
      // The owner's row, locked by this update: a concurrent delete waits or has won (404).
      const { count } = await tx.bot.updateMany({
        where: { id: botId, ownerId },
        data: {
          ...(edit.name !== undefined && { name: edit.name }),
          ...(edit.description !== undefined && { description: edit.description }),
          ...(edit.short_description !== undefined && {
            shortDescription: edit.short_description,
          }),
          ...(edit.commands !== undefined && { commands: edit.commands }),
          ...(avatar !== undefined && {
            avatarUrl: avatar && 'url' in avatar ? avatar.url : null,
            avatarSha256: avatar && 'image' in avatar ? avatar.image.sha256 : null,
          }),
          ...(edit.webapp_url !== undefined && {
            webappUrl: edit.webapp_url,
            webappMenuText: edit.webapp_url === null ? null : (edit.webapp_menu_text ?? null),
          }),
        },
      });
      if (count === 0) throw appError('bot_not_found');
      if (avatar !== undefined) {
        await tx.botAvatar.deleteMany({ where: { botId } });
        if (avatar && 'image' in avatar) {
          const { mime, size, sha256, data } = avatar.image;
          await tx.botAvatar.create({
            data: { botId, mime, size, sha256, data: new Uint8Array(data) },
          });
        }
      }
      return tx.bot.update({
        where: { id: botId },
        // The name is also its user's display name: what chats show.
        data: edit.name !== undefined ? { user: { update: { displayName: edit.name } } } : {},
        include: { user: true },
      });
    });
    await this.cache.invalidate(botId);
    return bot;
  }

  /** The key the bot's init data is signed with; undefined for a bot that never had one. */
  webAppSecretOf(bot: Pick<Bot, 'webappSecretSealed'>): Buffer | undefined {
    return bot.webappSecretSealed
      ? openSecret(this.opts.masterKey, bot.webappSecretSealed)
      : undefined;
  }

  private sealedWebAppSecret(tgId: bigint, apiKey: string): Uint8Array<ArrayBuffer> {
    const secret = webAppSecret(tokensFor(tgId, apiKey).telegramToken);
    return new Uint8Array(sealSecret(this.opts.masterKey, secret));
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
  auditCache(): Promise<void> {
    return dropStale(this.cache, (botIds) => this.repo.fingerprints(botIds));
  }

  /** An active bot by id (a webhook reply's method runs as it), or 401. */
  async get(botId: string): Promise<BotWithUser> {
    const bot = isUuid(botId)
      ? await this.db.bot.findUnique({ where: { id: botId }, include: { user: true } })
      : null;
    if (!bot || !bot.isActive) throw appError('invalid_bot_token');
    return bot;
  }

  /** The owner's bot, or undefined (missing, or someone else's). */
  async ownedBy(ownerId: string, botId: string): Promise<BotWithUser | undefined> {
    if (!isUuid(botId)) return undefined;
    const bot = await this.db.bot.findFirst({
      where: { id: botId, ownerId },
      include: { user: true },
    });
    return bot ?? undefined;
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

/** What a cached bot holds, roughly: its strings and JSON, two bytes a character. */
function approxBytes(bot: BotWithUser): number {
  const json = JSON.stringify(bot, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return json.length * 2;
}

export function requirePermission(bot: BotRow, permission: Permission): void {
  if (!bot.permissions.includes(permission)) {
    throw appError('missing_permission', { detail: permission });
  }
}
