import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { ChatAudience, ChatsService, Recipient } from '../chats/chats.service';
import { eventsForPeople, readingBots } from '../chats/membership';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import { INLINE_MEDIA_MAX_BYTES } from '../media/media-meta';
import type { MediaInput, MediaService } from '../media/media.service';
import type { MessageUpdate } from '../updates/update';
import type { BotBoxes } from '../e2e/bot-boxes.service';
import { openedView } from '../e2e/reader-boxes';
import { blankedPoll, pollEnvelopeText } from '../e2e/poll-envelope';
import { isEncrypted, storedPayload, withoutStamps } from '../e2e/envelope';
import { requireWebAppButtons } from '../webapps/webapp-url';
import { botCommand } from './bot-command';
import { readableBy } from './bot-reading';
import { Fanout, newMessageId, type NewMedia, type NewPoll, type WriteStep } from './fanout';
import { webAppDataOf, type MessagePayload, type MessageRecord, type Person } from './message';
import type { MessageRef } from './edits.service';
import { findInChat, findLiveMessage, messageInclude, personOf, toRecord } from './message-query';

/** A message to post: text (or a caption), and at most one attachment. */
export interface Draft {
  content: string;
  payload?: MessagePayload;
  replyToId?: string;
  /** The "forwarded from" label. */
  forwardFrom?: string;
  media?: MediaInput;
  poll?: NewPoll;
}

export interface HistoryQuery {
  limit?: number;
  /** A message id: the page ends before it. */
  before?: string;
}

export class MessagesService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
    private readonly media: MediaService,
    private readonly boxes: BotBoxes,
    /** WEBAPP_ALLOW_HTTP: web_app buttons may open http URLs. */
    private readonly webAppAllowHttp = false,
  ) {}

  /** A person's message into a chat they are a member of. */
  async sendAsUser(user: User, chatId: string, draft: Draft): Promise<MessageRecord> {
    const write = await this.prepareSend(personOf(user), chatId, draft);
    return write(this.fanout);
  }

  /**
   * What a mini app sent (`sendData`): the person's message, told to the bot whose app it
   * was only (with or without read_messages: it is addressed to that bot), as a message
   * carrying `web_app_data`.
   */
  async sendWebAppData(
    user: User,
    chatId: string,
    botId: string,
    data: { data: string; buttonText: string },
  ): Promise<MessageRecord> {
    const audience = await this.chats.audience(chatId, user.id);
    const draft: Draft = {
      content: data.data,
      payload: { web_app_data: { data: data.data, button_text: data.buttonText } },
    };
    const toBot = (members: Recipient[]) =>
      members.filter((m): m is Recipient & { botId: string } => m.botId === botId);
    const write = await this.prepare(personOf(user), audience, chatId, draft, undefined, toBot);
    return write(this.fanout);
  }

  /** A bot's message (text, photo, document, forward or poll) into a chat it is in. */
  async sendAsBot(bot: BotWithUser, chatId: string, draft: Draft): Promise<MessageRecord> {
    const write = await this.prepareSendAsBot(bot, chatId, draft);
    return write(this.fanout);
  }

  /** sendAsBot checked now, written by the returned step (answer-callback's transaction). */
  async prepareSendAsBot(
    bot: BotWithUser,
    chatId: string,
    draft: Draft,
  ): Promise<WriteStep<MessageRecord>> {
    requirePermission(bot, 'send_messages');
    requireWebAppButtons(draft.payload?.buttons, this.webAppAllowHttp);
    const sender = personOf(bot.user);
    const payload: MessagePayload = { ...draft.payload, is_bot: true };
    // A bot that sends its own box (payload.nonce) seals its media too.
    const ownBox = payload.nonce !== undefined;
    const media = draft.media && this.media.decode({ ...draft.media, sealed: ownBox });
    const audience = await this.chats.audience(chatId, sender.id);
    const { chatType, members } = audience;
    // A managed bot's text (or caption, with its photo's bytes sealed; or a poll's question
    // and options, see poll-envelope.ts) to a person with a key is boxed before it is stored.
    // The bot is answered with its text.
    const text = draft.poll ? pollEnvelopeText(draft.poll) : draft.content;
    const box = ownBox ? null : await this.boxes.sealFromBot(bot, chatType, members, text, media);
    if (!box) {
      const stored = storedPayload(chatType, members, sender, draft.content, payload);
      const write = await this.prepare(
        sender,
        audience,
        chatId,
        { ...draft, payload: stored },
        media,
      );
      // The quoted message is another's text: only a reading bot gets it back.
      return async (out) => readableBy(bot, await write(out));
    }
    const stamped = { ...withoutStamps(payload), ...box.stamps };
    const poll = draft.poll && blankedPoll(draft.poll);
    const sealed = { ...draft, content: box.content, payload: stamped, poll };
    const write = await this.prepare(sender, audience, chatId, sealed, box.media ?? media);
    return async (out) => {
      const written = await write(out);
      // The bot reads its poll's texts back, as it reads its text.
      const shown =
        written.poll && draft.poll
          ? {
              ...written,
              poll: { ...written.poll, question: draft.poll.question, options: draft.poll.options },
            }
          : written;
      return readableBy(bot, openedView(shown, draft.content));
    };
  }

  /** Every check and read of a person's send: the returned step only writes. */
  private async prepareSend(
    sender: Person,
    chatId: string,
    draft: Draft,
  ): Promise<WriteStep<MessageRecord>> {
    const audience = await this.chats.audience(chatId, sender.id);
    const { chatType, members } = audience;
    const payload = storedPayload(chatType, members, sender, draft.content, draft.payload ?? {});
    // In an encrypted chat the client seals the bytes (see media-envelope.ts).
    const sealed = isEncrypted({ payload });
    const media = draft.media && this.media.decode({ ...draft.media, sealed });
    return this.prepare(sender, audience, chatId, { ...draft, payload }, media);
  }

  /**
   * Build the message, one update per other bot member (only for people's messages: bots
   * never see bots, which also rules out bot-to-bot loops) and one event per person; the
   * returned step stores them all (reads are done by then).
   */
  private async prepare(
    sender: Person,
    { chatType, chatTgId, chatName, members }: ChatAudience,
    chatId: string,
    draft: Draft,
    media: NewMedia | undefined,
    /** The bots told of a person's message: those that may read, unless said otherwise. */
    toBots: (members: Recipient[]) => (Recipient & { botId: string })[] = readingBots,
  ): Promise<WriteStep<MessageRecord>> {
    const quoted = draft.replyToId ? await findInChat(this.db, chatId, draft.replyToId) : null;
    if (quoted === undefined) {
      throw appError('reply_target_not_found', { field: 'reply_to_message_id' });
    }
    const id = newMessageId();
    const createdAt = new Date();
    const record: MessageRecord = {
      id,
      // Allocated by the fan-out statement.
      number: 0,
      chatId,
      chatType,
      chatTgId,
      chatName,
      sender,
      content: draft.content,
      payload: draft.payload ?? {},
      replyToId: draft.replyToId ?? null,
      replyTo: quoted,
      forwardFrom: draft.forwardFrom ?? null,
      createdAt,
      editedAt: null,
      media: media ? withoutBytes(media) : null,
      poll: draft.poll ? { ...draft.poll, messageId: id, votes: [] } : null,
      reactions: [],
    };
    const inlineMedia =
      media && media.size <= INLINE_MEDIA_MAX_BYTES ? media.data.toString('base64') : null;
    const updates = (sender.isBot ? [] : toBots(members)).map((b) => ({
      botId: b.botId,
      update: messageUpdate('message', record, b.username, inlineMedia),
    }));
    const { replyTo: _quoted, ...shown } = record;
    const message = {
      id,
      chatId,
      senderId: sender.id,
      content: record.content,
      payload: record.payload,
      replyToId: record.replyToId,
      forwardFrom: record.forwardFrom,
      createdAt,
      media: media ?? null,
      poll: draft.poll ?? null,
    };
    const events = eventsForPeople(members, { kind: 'message.new', message: shown });
    return async (out) => {
      const number = await out.write(message, updates, events);
      return { ...record, number: number ?? 0 };
    };
  }

  /** The id of a chat's message by its number in the chat (the Telegram form's message_id). */
  async idByNumber(chatId: string, number: number): Promise<string | undefined> {
    const m = await this.db.message.findUnique({
      where: { chatId_number: { chatId, number } },
      select: { id: true },
    });
    return m?.id;
  }

  /** A live message of a chat the bot is in (forwardMessage's source): needs read_messages. */
  async readAsBot(bot: BotWithUser, ref: MessageRef): Promise<MessageRecord> {
    requirePermission(bot, 'read_messages');
    await this.chats.audience(ref.chatId, bot.userId);
    return this.boxes.revealMessage(bot, await findLiveMessage(this.db, ref.chatId, ref.messageId));
  }

  /** A page of history, oldest first. */
  async list(user: User, chatId: string, q: HistoryQuery): Promise<MessageRecord[]> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    if (!isUuid(chatId)) throw appError('chat_not_found');
    await this.chats.audience(chatId, user.id);
    const before = q.before
      ? await this.db.message.findFirst({ where: { id: q.before, chatId } })
      : null;
    if (q.before && !before) throw invalid('before', 'message not found in this chat');
    const rows = await this.db.message.findMany({
      where: {
        chatId,
        deletedAt: null,
        ...(before && { seq: { lt: before.seq } }),
      },
      include: messageInclude,
      orderBy: { seq: 'desc' },
      take: limit,
    });
    return rows.reverse().map(toRecord);
  }
}

/** A message update for one bot: its command, if the text is one addressed to it. */
export function messageUpdate(
  kind: MessageUpdate['kind'],
  message: MessageRecord,
  botUsername: string,
  inlineMedia: string | null = null,
): MessageUpdate {
  // A box is no command; a managed bot's edge parses the opened text (see BotBoxes).
  const command =
    isEncrypted(message) || webAppDataOf(message) ? null : botCommand(message.content, botUsername);
  return { kind, message, command, inlineMedia };
}

/** Media is not encrypted yet: a box does not travel with bytes the relay could read. */
function withoutBytes(m: NewMedia): MessageRecord['media'] {
  const { data: _bytes, ...meta } = m;
  return meta;
}
