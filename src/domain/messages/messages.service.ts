import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { ChatsService, Recipient } from '../chats/chats.service';
import { badRequest, forbidden, notFound } from '../errors';
import { isUuid } from '../ids';
import { parse } from '../validation';
import { parseCommand } from './commands';
import { Fanout, newMessageId, type NewMessage } from './fanout';
import {
  toMessagePayload,
  toMessengerMessage,
  type MessengerMessage,
  type Sender,
} from './message-view';
import { botMessageBody, listQuery, userMessageBody } from './messages.schemas';

interface Draft {
  content: string;
  payload?: Record<string, unknown>;
  reply_to_message_id?: string;
}

export class MessagesService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  async postAsUser(user: User, chatId: string, input: unknown): Promise<MessengerMessage> {
    const body = parse(userMessageBody, input);
    const { chatType, members } = await this.chats.recipients(chatId);
    if (!members.some((m) => m.userId === user.id)) throw forbidden('not a member of the chat');
    return this.post(senderOf(user), chatId, chatType, members, body);
  }

  async postAsBot(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const raw = (input ?? {}) as Record<string, unknown>;
    if (raw.chat_id === undefined || raw.content === undefined || raw.content === '') {
      throw badRequest('chat_id and content are required');
    }
    const body = parse(botMessageBody, input);
    const { chatType, members } = await this.chats.recipients(body.chat_id);
    if (!members.some((m) => m.userId === bot.userId)) {
      throw forbidden('bot is not a member of the chat');
    }
    const draft = { ...body, payload: { ...body.payload, is_bot: true } };
    return this.post(senderOf(bot.user), body.chat_id, chatType, members, draft);
  }

  /**
   * Store the message, make one update per other bot member (only for people's messages:
   * bots never see bots, which also rules out bot-to-bot loops) and one event per person.
   */
  private async post(
    sender: Sender,
    chatId: string,
    chatType: string,
    members: Recipient[],
    draft: Draft,
  ): Promise<MessengerMessage> {
    if (draft.reply_to_message_id) await this.requireInChat(chatId, draft.reply_to_message_id);
    const message: NewMessage = {
      id: newMessageId(),
      chatId,
      senderId: sender.id,
      content: draft.content,
      payload: draft.payload ?? {},
      replyToId: draft.reply_to_message_id ?? null,
      forwardFrom: null,
      createdAt: new Date(),
    };
    const row = { ...message, editedAt: null };
    const view = toMessengerMessage(row, sender);
    const bots = sender.isBot ? [] : members.filter(canRead);
    const updates = bots.map((b) => ({
      botId: b.botId!,
      type: 'message',
      payload: toMessagePayload(row, sender, chatType, parseCommand(message.content, b.username)),
    }));
    const events = members
      .filter((m) => !m.isBot)
      .map((m) => ({ userId: m.userId, type: 'message.new', payload: view }));
    await this.fanout.write(message, updates, events);
    return view;
  }

  /** A bot edits the text of its own message; the chat's people see `message.edited`. */
  async editAsBot(bot: BotWithUser, messageId: string, content: string): Promise<MessengerMessage> {
    const msg = isUuid(messageId)
      ? await this.db.message.findFirst({ where: { id: messageId, deletedAt: null } })
      : null;
    if (!msg) throw notFound('message not found');
    if (msg.senderId !== bot.userId) throw forbidden('a bot can only edit its own messages');
    const edited = await this.db.message.update({
      where: { id: msg.id },
      data: { content, editedAt: new Date() },
    });
    const view = toMessengerMessage(edited, senderOf(bot.user));
    const { members } = await this.chats.recipients(msg.chatId);
    const events = members
      .filter((m) => !m.isBot)
      .map((m) => ({ userId: m.userId, type: 'message.edited', payload: view }));
    await this.fanout.write(null, [], events);
    return view;
  }

  private async requireInChat(chatId: string, messageId: string): Promise<void> {
    const found = await this.db.message.findFirst({
      where: { id: messageId, chatId, deletedAt: null },
      select: { id: true },
    });
    if (!found) throw badRequest('reply_to_message_id: message not found in this chat');
  }

  async list(user: User, chatId: string, query: unknown): Promise<MessengerMessage[]> {
    const q = parse(listQuery, query);
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    if (!isUuid(chatId)) throw notFound('chat not found');
    const { members } = await this.chats.recipients(chatId);
    if (!members.some((m) => m.userId === user.id)) throw forbidden('not a member of the chat');
    const before = q.before
      ? await this.db.message.findFirst({ where: { id: q.before, chatId } })
      : null;
    if (q.before && !before) throw badRequest('before: message not found in this chat');
    const rows = await this.db.message.findMany({
      where: {
        chatId,
        deletedAt: null,
        ...(before && { seq: { lt: before.seq } }),
      },
      include: { sender: true },
      orderBy: { seq: 'desc' },
      take: limit,
    });
    return rows.reverse().map((m) => toMessengerMessage(m, senderOf(m.sender)));
  }
}

/** Bot members that may read: they get updates. */
const canRead = (m: Recipient) =>
  m.isBot && m.botId !== null && m.botPermissions.includes('read_messages');

export const senderOf = (u: Pick<User, 'id' | 'username' | 'isBot'>): Sender => ({
  id: u.id,
  username: u.username,
  isBot: u.isBot,
});
