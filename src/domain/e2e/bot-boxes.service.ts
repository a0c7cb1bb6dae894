// The bot edge's end of end-to-end encryption, for managed bots: their secret keys are
// opened from GATEWAY_KEY only here, used in memory and dropped. Boxes are opened on the fly
// for what the bot reads and made for what it sends; plaintext is never stored.
import type { Db } from '../../infra/db/prisma';
import type { BotWithUser } from '../bots/bots.service';
import type { Recipient } from '../chats/chats.service';
import { createHash } from 'node:crypto';
import {
  boxText,
  decodeBase64,
  openBytes,
  openGroupText,
  openText,
  sealBytes,
  sealForGroup,
  SECRETBOX_OVERHEAD,
} from '../crypto/e2e-box';
import type { MediaFile, MediaStream } from '../media/media.service';
import type { NewMedia } from '../messages/fanout';
import { botCommand } from '../messages/bot-command';
import type { ChatType, MessagePayload, MessageRecord } from '../messages/message';
import { personOf } from '../messages/message-query';
import type { Update } from '../updates/update';
import { chatEncryption, isEncrypted, keyBoxesOf, withoutStamps } from './envelope';
import { openManagedSecret } from './managed-keys';
import { envelopeText, parseEnvelope } from './media-envelope';

/** A managed bot's text sealed to the person it talks to: what is stored instead. */
export interface BotBox {
  content: string;
  /** nonce and both public keys, merged into the message's payload */
  stamps: MessagePayload;
  /** The attachment with its bytes sealed (their key is inside the box). */
  media?: NewMedia;
}

/** The message as its reader sees it once opened: the text, and `encrypted: true`. */
export function openedView(m: MessageRecord, text: string): MessageRecord {
  const { nonce: _nonce, ...rest } = withoutStamps(m.payload);
  return { ...m, content: text, payload: { ...rest, encrypted: true } };
}

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
    let sealedMedia: NewMedia | undefined;
    if (media) {
      const bytes = sealBytes(media.data);
      sealedMedia = { ...media, ...fileOf(bytes.data) };
      text = envelopeText({ text, media_key: bytes.key, media_nonce: bytes.nonce });
    }
    try {
      if (enc.kind === 'direct') {
        const sealed = boxText(text, decodeBase64(enc.recipient)!, secret);
        return {
          media: sealedMedia,
          content: sealed.box,
          stamps: {
            nonce: sealed.nonce,
            sender_public_key: enc.sender,
            recipient_public_key: enc.recipient,
          },
        };
      }
      // The bot's own entry too: its edge opens its message again (quotes, pins, edits).
      const to = enc.members.map((m) => ({ id: m.userId, publicKey: decodeBase64(m.publicKey)! }));
      const sealed = sealForGroup(text, to, secret);
      return {
        media: sealedMedia,
        content: sealed.box,
        stamps: { nonce: sealed.nonce, keys: sealed.keys, sender_public_key: enc.sender },
      };
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
      return updates.map((u) => revealUpdate(u, bot, secret));
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
      const raw = openedText(m, bot.userId, secret);
      const env = raw === null ? null : parseEnvelope(raw);
      const bytes = env && openBytes(sealed.data, env.media_key, env.media_nonce);
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

/** An update whose message (or quoted message) is a box. */
export function carriesBox(u: Update): boolean {
  if (u.kind !== 'message' && u.kind !== 'edited_message' && u.kind !== 'callback') return false;
  return isEncrypted(u.message) || (!!u.message.replyTo && isEncrypted(u.message.replyTo));
}

function revealUpdate(u: Update, bot: BotWithUser, secret: Uint8Array): Update {
  switch (u.kind) {
    case 'message':
    case 'edited_message': {
      const message = openFor(u.message, bot.userId, secret);
      // The command was not parsed from the box when stored: it is parsed from the text now.
      const command =
        message === u.message || !isEncrypted(u.message)
          ? u.command
          : botCommand(message.content, bot.user.username);
      return { ...u, message, command, inlineMedia: inlineOpened(u, bot.userId, secret) };
    }
    case 'callback':
      return { ...u, message: openFor(u.message, bot.userId, secret) };
    default:
      return u;
  }
}

/**
 * A box the bot can open: in a direct chat the peer is the recipient of the bot's own
 * messages and the sender of anyone else's; in a group, the bot's entry in `payload.keys`
 * (boxed by the sender) opens the message key. One that does not open stays as stored (nonce
 * and keys included), so the bot can tell it from text.
 */
function openFor(m: MessageRecord, botUserId: string, secret: Uint8Array): MessageRecord {
  const replyTo = m.replyTo ? openFor(m.replyTo, botUserId, secret) : m.replyTo;
  const withQuote = replyTo === m.replyTo ? m : { ...m, replyTo };
  if (!isEncrypted(m)) return withQuote;
  const text = openedText(m, botUserId, secret);
  if (text === null) return withQuote;
  // A message with sealed media carries the caption inside its envelope.
  const env = m.media ? parseEnvelope(text) : null;
  if (!env || !m.media) return openedView(withQuote, text);
  const media = { ...m.media, size: Math.max(0, m.media.size - SECRETBOX_OVERHEAD) };
  return openedView({ ...withQuote, media }, env.text);
}

/** What a box the bot can open holds (the text, or a media envelope), or null. */
function openedText(
  m: Pick<MessageRecord, 'content' | 'payload'> & { sender: { id: string } },
  botUserId: string,
  secret: Uint8Array,
): string | null {
  const sealed = { box: m.content, nonce: m.payload.nonce as string };
  const keys = keyBoxesOf(m.payload);
  if (keys) {
    // A group message: the message key boxed for this bot, from the sender.
    const entry = keys[botUserId];
    const sender = m.payload.sender_public_key;
    if (!entry || typeof sender !== 'string') return null;
    return openGroupText(sealed, entry, sender, secret);
  }
  const peer =
    m.sender.id === botUserId ? m.payload.recipient_public_key : m.payload.sender_public_key;
  if (typeof peer !== 'string') return null;
  return openText(sealed, peer, secret);
}

/** An update's inline bytes opened when they are sealed; dropped when they do not open. */
function inlineOpened(
  u: Extract<Update, { kind: 'message' | 'edited_message' }>,
  botUserId: string,
  secret: Uint8Array,
): string | null {
  if (u.inlineMedia === null || !isEncrypted(u.message)) return u.inlineMedia;
  const raw = openedText(u.message, botUserId, secret);
  const env = raw === null ? null : parseEnvelope(raw);
  const bytes =
    env && openBytes(Buffer.from(u.inlineMedia, 'base64'), env.media_key, env.media_nonce);
  return bytes ? bytes.toString('base64') : null;
}

/** Size and digest of bytes as a file is described. */
function fileOf(data: Buffer): { data: Buffer; size: number; sha256: string } {
  return { data, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}
