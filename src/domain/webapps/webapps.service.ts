// Opening a mini app (signed init data for the person, in the chat, for the bot) and what it
// sends back (sendData → an ordinary incoming message for that bot, once per opening).
import { createHmac, randomBytes } from 'node:crypto';
import type { Bot, User } from '../../generated/prisma/client';
import type { Db } from '../../infra/db/prisma';
import type { Redis } from '../../infra/redis';
import type { BotsService } from '../bots/bots.service';
import type { ChatsService, Recipient } from '../chats/chats.service';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import type { MessageRecord } from '../messages/message';
import { findInChat } from '../messages/message-query';
import type { MessagesService } from '../messages/messages.service';
import type { SigningKeysService } from '../webhooks/signing-keys';
import { checkInitData, signInitData } from './init-data';
import { webAppUrlsOf } from './webapp-url';
import type { OpenWebAppCommand, WebAppDataCommand } from './webapps.schemas';

/** How long init data is accepted after it was signed (Telegram's validators use a day). */
export const INIT_DATA_MAX_AGE_S = 24 * 3600;
/** A clock ahead of ours by this much still passes. */
const CLOCK_SKEW_S = 60;
const DEFAULT_BUTTON_TEXT = 'Open';

export interface OpenedWebApp {
  url: string;
  initData: string;
}

export class WebAppsService {
  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly chats: ChatsService,
    private readonly bots: BotsService,
    private readonly messages: MessagesService,
    private readonly signingKeys: SigningKeysService,
  ) {}

  /**
   * Init data for `user` opening a bot's mini app in a chat they are a member of: the app of
   * a web_app button on the bot's message `message_id`, else the menu app of the chat's bot
   * (`bot_id` names it in a group).
   */
  async open(user: User, chatId: string, cmd: OpenWebAppCommand): Promise<OpenedWebApp> {
    if (!isUuid(chatId)) throw appError('chat_not_found');
    const { chatType, members } = await this.chats.audience(chatId, user.id);
    const { bot, url } = cmd.message_id
      ? await this.fromButton(chatId, cmd.message_id, members)
      : await this.fromMenu(members, cmd.bot_id);
    const secret = this.bots.webAppSecretOf(bot);
    if (!secret) {
      throw appError('webapp_not_set', {
        detail: 'the bot must set its mini app URL (or rotate its key) once before apps open',
      });
    }
    const fields = {
      query_id: randomBytes(16).toString('base64url'),
      user: JSON.stringify({
        id: Number(user.tgId),
        first_name: user.displayName || user.username,
        username: user.username,
      }),
      auth_date: String(Math.floor(Date.now() / 1000)),
      chat_type: chatType,
      chat_instance: chatInstance(secret, chatId),
    };
    const { signer } = await this.signingKeys.active();
    const initData = signInitData({ fields, secret, botNumericId: bot.user.tgId, signer });
    return { url, initData };
  }

  private async fromButton(chatId: string, messageId: string, members: Recipient[]) {
    const message = await findInChat(this.db, chatId, messageId);
    if (!message) throw appError('message_not_found');
    const [button] = webAppUrlsOf(message.payload.buttons);
    const sender = members.find((m) => m.userId === message.sender.id && m.botId);
    if (!button || !sender) throw invalid('message_id', 'the message has no web_app button');
    return { bot: await this.botById(sender.botId!), url: button.url };
  }

  private async fromMenu(members: Recipient[], botId: string | undefined) {
    const bots = members.filter((m) => m.botId && (botId === undefined || m.botId === botId));
    if (bots.length === 0) throw appError('bot_not_found');
    if (bots.length > 1) throw appError('missing_field', { field: 'bot_id' });
    const bot = await this.botById(bots[0]!.botId!);
    if (!bot.webappUrl) throw appError('webapp_not_set');
    return { bot, url: bot.webappUrl };
  }

  /** The bot's own row: with the sealed secret that request-scoped bots leave out. */
  private async botById(botId: string): Promise<Bot & { user: User }> {
    const bot = await this.db.bot.findUnique({ where: { id: botId }, include: { user: true } });
    if (!bot || !bot.isActive) throw appError('bot_not_found');
    return bot;
  }

  /**
   * `sendData` from a mini app opened in this chat by this person: the init data must be
   * one this platform signed for a bot of the chat, recent, and not used before.
   */
  async receiveData(user: User, chatId: string, cmd: WebAppDataCommand): Promise<MessageRecord> {
    if (!isUuid(chatId)) throw appError('chat_not_found');
    const { members } = await this.chats.audience(chatId, user.id);
    const opened = await this.verify(cmd.init_data, chatId, members);
    if (opened.userTgId !== Number(user.tgId)) {
      throw appError('init_data_invalid', { detail: 'it was issued to someone else' });
    }
    // Used once: the first sendData of an opening wins; the key outlives the data's validity.
    const key = `webapp:query:${opened.bot.id}:${opened.queryId}`;
    const fresh = await this.redis.set(key, '1', 'EX', INIT_DATA_MAX_AGE_S + CLOCK_SKEW_S, 'NX');
    if (fresh !== 'OK') throw appError('init_data_used');
    try {
      return await this.messages.sendWebAppData(user, chatId, opened.bot.id, {
        data: cmd.data,
        buttonText: cmd.button_text ?? opened.bot.webappMenuText ?? DEFAULT_BUTTON_TEXT,
      });
    } catch (err) {
      // Nothing was sent: the same opening may try again.
      await this.redis.del(key).catch(() => undefined);
      throw err;
    }
  }

  private async verify(initData: string, chatId: string, members: Recipient[]) {
    for (const m of members) {
      if (!m.botId) continue;
      const bot = await this.botById(m.botId).catch(() => undefined);
      const secret = bot && this.bots.webAppSecretOf(bot);
      const fields = secret && checkInitData(initData, secret);
      if (!bot || !secret || !fields) continue;
      if (fields.get('chat_instance') !== chatInstance(secret, chatId)) {
        throw appError('init_data_invalid', { detail: 'it was issued for another chat' });
      }
      const authDate = Number(fields.get('auth_date'));
      const now = Date.now() / 1000;
      if (!(authDate > now - INIT_DATA_MAX_AGE_S && authDate < now + CLOCK_SKEW_S)) {
        throw appError('init_data_invalid', { detail: 'it has expired: open the app again' });
      }
      const queryId = fields.get('query_id');
      const userTgId = userIdOf(fields.get('user'));
      if (!queryId || userTgId === undefined) break;
      return { bot, queryId, userTgId };
    }
    throw appError('init_data_invalid', { detail: 'not signed for a bot of this chat' });
  }
}

/** Telegram's chat_instance: opaque, one per bot and chat (a private chat's tg id is shared). */
function chatInstance(secret: Uint8Array, chatId: string): string {
  const mac = createHmac('sha256', secret).update(`chat:${chatId}`).digest();
  return BigInt.asIntN(64, mac.readBigUInt64BE(0)).toString();
}

function userIdOf(json: string | undefined): number | undefined {
  try {
    const id = (JSON.parse(json ?? '') as { id?: unknown }).id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}
