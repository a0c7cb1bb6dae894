// The bot edge's end of end-to-end encryption, for managed bots: their secret keys are
// opened from GATEWAY_KEY only here, used in memory and dropped. Boxes are opened on the fly
// for what the bot reads and made for what it sends; plaintext is never stored.
import type { Db } from '../../infra/db/prisma';
import type { BotWithUser } from '../bots/bots.service';
import type { Recipient } from '../chats/chats.service';
import type { MediaFile, MediaStream } from '../media/media.service';
import type { NewMedia } from '../messages/fanout';
import type { ChatType, MessagePayload, MessageRecord } from '../messages/message';
import { personOf } from '../messages/message-query';
import type { Update } from '../updates/update';
import { chatEncryption, isEncrypted } from './envelope';
import { openManagedSecret } from './managed-keys';
import { carriesBox, openedFile, openFor, revealUpdate, type BoxReader } from './reader-boxes';
import { fileOf, sealForChat, type SealedSend } from './sender-boxes';

/** A managed bot's text sealed to the person it talks to: what is stored instead. */
export type BotBox = SealedSend<NewMedia>;

const readerOf = (bot: BotWithUser): BoxReader => ({
  userId: bot.userId,
  username: bot.user.username,
});

export class BotBoxes {
  constructor(
    private readonly db: Db,
    private readonly gatewayKey: Uint8Array,
  ) {}

  /** The bot's secret key when the platform holds it; the caller zeroes it after use. */
  private async secretKey(bot: BotWithUser): Promise<Uint8Array | null> {
    if (bot.keyCustody !== 'managed') return null;
    const row = await this.db.botSecretKey.findUnique({ where: { botId: bot.id } });
    return row ? openManagedSecret(this.gatewayKey, row.secretKeySealed) : null;
  }

  /**
   * A managed bot's text into an encrypted chat, boxed to the person with the bot's key; null
   * when the chat is not encrypted or the bot keeps its own key (it sends its own boxes).
   */
  async sealFromBot(
    bot: BotWithUser,
    chatType: ChatType,
    members: Recipient[],
    text: string,
    media?: NewMedia,
  ): Promise<BotBox | null> {
    const enc = chatEncryption(chatType, members, personOf(bot.user));
    if (!enc || (text === '' && !media)) return null;
    const secret = await this.secretKey(bot);
    if (!secret) return null;
    try {
      return sealForChat(enc, secret, text, media);
    } finally {
      secret.fill(0);
    }
  }

  /** Updates as the bot reads them: a managed bot's boxes opened (the log keeps the boxes). */
  async reveal(bot: BotWithUser, updates: Update[]): Promise<Update[]> {
    if (bot.keyCustody !== 'managed' || !updates.some(carriesBox)) return updates;
    const secret = await this.secretKey(bot);
    if (!secret) return updates;
    try {
      return updates.map((u) => revealUpdate(u, readerOf(bot), secret));
    } finally {
      secret.fill(0);
    }
  }

  /** reveal() for one update of a bot known by id (webhook delivery). */
  async revealForBotId(botId: string, update: Update): Promise<Update> {
    if (!carriesBox(update)) return update;
    const bot = await this.db.bot.findUnique({ where: { id: botId }, include: { user: true } });
    return bot ? (await this.reveal(bot, [update]))[0]! : update;
  }

  /**
   * A download as a managed bot reads it: an encrypted message's file read whole and opened
   * with the key in the message's box (a secretbox opens at once, not by slices); undefined for
   * any other file, which is streamed as stored.
   */
  async openMediaStream(bot: BotWithUser, file: MediaStream): Promise<MediaFile | undefined> {
    if (bot.keyCustody !== 'managed') return undefined;
    const row = await this.db.message.findUnique({
      where: { mediaId: file.id },
      select: { content: true, payload: true, senderId: true },
    });
    const payload = (row?.payload ?? {}) as MessagePayload;
    if (!row || !isEncrypted({ payload })) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of file.slices()) chunks.push(chunk);
    const { kind, mime, fileName, size, sha256 } = file;
    const sealed = { kind, mime, fileName, size, sha256, data: Buffer.concat(chunks) };
    const secret = await this.secretKey(bot);
    if (!secret) return sealed;
    try {
      const m = { content: row.content, payload, sender: { id: row.senderId } };
      const bytes = openedFile(m, sealed.data, bot.userId, secret);
      return bytes ? { ...sealed, ...fileOf(bytes) } : sealed;
    } finally {
      secret.fill(0);
    }
  }

  /** One message as the bot reads it (a pinned message, a forward's source). */
  async revealMessage(bot: BotWithUser, m: MessageRecord): Promise<MessageRecord> {
    if (!isEncrypted(m) && !(m.replyTo && isEncrypted(m.replyTo))) return m;
    const secret = await this.secretKey(bot);
    if (!secret) return m;
    try {
      return openFor(m, bot.userId, secret);
    } finally {
      secret.fill(0);
    }
  }
}
