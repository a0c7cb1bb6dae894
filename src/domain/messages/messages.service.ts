import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { ChatsService, Recipient } from '../chats/chats.service';
import { eventsForPeople, readingBots, requireMember } from '../chats/membership';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import type { MediaService } from '../media/media.service';
import { PHOTO_MIMES, type UserMediaInput } from '../media/media.schemas';
import { parse } from '../validation';
import { parseCommand } from './commands';
import type { MessageEditsService } from './edits.service';
import {
  Fanout,
  newMessageId,
  type NewMedia,
  type NewMessage,
  type NewPoll,
  type TxStep,
  type WriteStep,
} from './fanout';
import { messageInclude, viewOf, type LoadedMessage } from './message-query';
import {
  quotedPayload,
  senderOf,
  toMessagePayload,
  toMessengerMessage,
  type MessageRow,
  type MessengerMessage,
  type Sender,
} from './message-view';
import {
  botMessageBody,
  forwardBody,
  listQuery,
  sendDocumentBody,
  sendPhotoBody,
  userMessageBody,
} from './messages.schemas';

export { senderOf } from './message-view';

/** A message about to be posted, with its optional attachment (media or poll). */
export interface Draft {
  content: string;
  payload?: Record<string, unknown>;
  reply_to_message_id?: string;
  forwardFrom?: string | null;
  media?: NewMedia | null;
  poll?: NewPoll | null;
}

export class MessagesService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
    private readonly media: MediaService,
    private readonly edits: MessageEditsService,
  ) {}

  async postAsUser(user: User, chatId: string, input: unknown): Promise<MessengerMessage> {
    const body = parse(userMessageBody, input);
    if (body.content === undefined && !body.media)
      throw appError('missing_field', { field: 'content' });
    const media = body.media ? this.media.decode(userMedia(body.media)) : null;
    const { chatType, members } = await this.chats.recipients(chatId);
    requireMember(members, user.id);
    return this.post(senderOf(user), chatId, chatType, members, {
      content: body.content ?? '',
      payload: body.payload,
      reply_to_message_id: body.reply_to_message_id,
      media,
    });
  }

  async postAsBot(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    const write = await this.preparePostAsBot(bot, input);
    return write(this.fanout);
  }

  /**
   * postAsBot checked now (every read done), written by the returned step: answer-callback
   * runs it inside the answer's transaction.
   */
  async preparePostAsBot(bot: BotWithUser, input: unknown): Promise<WriteStep<MessengerMessage>> {
    requirePermission(bot, 'send_messages');
    const raw = (input ?? {}) as Record<string, unknown>;
    if (raw.chat_id === undefined || raw.content === undefined || raw.content === '') {
      throw appError('missing_fields', { field: 'chat_id and content' });
    }
    const body = parse(botMessageBody, input);
    return this.prepareFromBot(bot, body.chat_id, body);
  }

  /** send-photo: the caption is the message's content (empty without one). */
  async sendPhoto(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(sendPhotoBody, input);
    const media = this.media.decode({
      field: 'photo',
      kind: 'photo',
      base64: b.photo,
      mime: b.mime,
      width: b.w,
      height: b.h,
    });
    return this.postFromBot(bot, b.chat_id, { ...captioned(b), media });
  }

  async sendDocument(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(sendDocumentBody, input);
    const media = this.media.decode({
      field: 'document',
      kind: 'document',
      base64: b.document,
      mime: b.mime,
      fileName: b.file_name,
      declaredSize: b.size,
    });
    return this.postFromBot(bot, b.chat_id, { ...captioned(b), media });
  }

  /**
   * forward-message: the Koto reference forwards text with a "forwarded from" label rather
   * than a message id; without `from` the label is the bot's own name.
   */
  async forward(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(forwardBody, input);
    return this.postFromBot(bot, b.chat_id, {
      content: b.content,
      payload: b.payload,
      forwardFrom: b.from ?? bot.name,
    });
  }

  /** A bot's message into a chat it is a member of; polls come through here too. */
  async postFromBot(bot: BotWithUser, chatId: string, draft: Draft): Promise<MessengerMessage> {
    const write = await this.prepareFromBot(bot, chatId, draft);
    return write(this.fanout);
  }

  private async prepareFromBot(
    bot: BotWithUser,
    chatId: string,
    draft: Draft,
  ): Promise<WriteStep<MessengerMessage>> {
    requirePermission(bot, 'send_messages');
    const { chatType, members } = await this.chats.recipients(chatId);
    requireMember(members, bot.userId);
    const payload = { ...draft.payload, is_bot: true };
    return this.prepare(senderOf(bot.user), chatId, chatType, members, { ...draft, payload });
  }

  private async post(
    sender: Sender,
    chatId: string,
    chatType: string,
    members: Recipient[],
    draft: Draft,
  ): Promise<MessengerMessage> {
    const write = await this.prepare(sender, chatId, chatType, members, draft);
    return write(this.fanout);
  }

  /**
   * Build the message, one update per other bot member (only for people's messages: bots
   * never see bots, which also rules out bot-to-bot loops) and one event per person; the
   * returned step stores them all (reads are done by then).
   */
  private async prepare(
    sender: Sender,
    chatId: string,
    chatType: string,
    members: Recipient[],
    draft: Draft,
  ): Promise<WriteStep<MessengerMessage>> {
    const quoted = draft.reply_to_message_id
      ? await this.requireInChat(chatId, draft.reply_to_message_id)
      : null;
    const message: NewMessage = {
      id: newMessageId(),
      chatId,
      senderId: sender.id,
      content: draft.content,
      payload: draft.payload ?? {},
      replyToId: draft.reply_to_message_id ?? null,
      forwardFrom: draft.forwardFrom ?? null,
      createdAt: new Date(),
      media: draft.media ?? null,
      poll: draft.poll ?? null,
    };
    const row: MessageRow = {
      ...message,
      editedAt: null,
      poll: draft.poll ? { ...draft.poll, messageId: message.id, votes: [] } : null,
    };
    const view = toMessengerMessage(row, sender);
    const bots = sender.isBot ? [] : readingBots(members);
    const replyTo = quoted && quotedPayload(quoted, senderOf(quoted.sender), chatType);
    const updates = bots.map((b) => ({
      botId: b.botId,
      type: 'message',
      payload: toMessagePayload(row, sender, chatType, parseCommand(message.content, b.username), {
        bytes: draft.media?.data,
        replyTo,
      }),
    }));
    const events = eventsForPeople(members, 'message.new', view);
    return async (out) => {
      await out.write(message, updates, events);
      return view;
    };
  }

  /**
   * A bot edits the text of its own message, wherever it is (answer-callback's
   * `message_content`); see MessageEditsService for the rules.
   */
  async editAsBot(bot: BotWithUser, messageId: string, content: string): Promise<MessengerMessage> {
    return this.edits.editOwnText(bot, messageId, content);
  }

  /** editAsBot checked now, written by the returned step (inside answer-callback's transaction). */
  async prepareEditAsBot(
    bot: BotWithUser,
    messageId: string,
    content: string,
  ): Promise<TxStep<MessengerMessage>> {
    return this.edits.prepareOwnTextEdit(bot, messageId, content);
  }

  /** The quoted message: it must be in the same chat and not deleted. */
  private async requireInChat(chatId: string, messageId: string): Promise<LoadedMessage> {
    const found = await this.db.message.findFirst({
      where: { id: messageId, chatId, deletedAt: null },
      include: messageInclude,
    });
    if (!found) throw appError('reply_target_not_found', { field: 'reply_to_message_id' });
    return found;
  }

  async list(user: User, chatId: string, query: unknown): Promise<MessengerMessage[]> {
    const q = parse(listQuery, query);
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    if (!isUuid(chatId)) throw appError('chat_not_found');
    const { members } = await this.chats.recipients(chatId);
    requireMember(members, user.id);
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
    return rows.reverse().map(viewOf);
  }
}

const captioned = (b: {
  caption?: string;
  payload?: Record<string, unknown>;
  reply_to_message_id?: string;
}): Draft => ({
  content: b.caption ?? '',
  payload: b.payload,
  reply_to_message_id: b.reply_to_message_id,
});

/** A messenger attachment: a photo when the type is one clients show inline. */
function userMedia(m: UserMediaInput) {
  const showable = (PHOTO_MIMES as readonly string[]).includes(m.mime);
  if (m.kind === 'photo' && !showable) {
    throw invalid('media.mime', `a photo must be one of ${PHOTO_MIMES.join(', ')}`);
  }
  const kind = m.kind ?? (showable ? 'photo' : 'document');
  return {
    field: 'media.data',
    kind,
    base64: m.data,
    mime: m.mime,
    fileName: m.file_name ?? null,
    width: m.w ?? null,
    height: m.h ?? null,
  } as const;
}
