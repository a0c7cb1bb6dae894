// Changing a message after it was sent: its text, its inline keyboard, or deleting it.
// Only the sender may (a bot its own messages, a person theirs). People's edits reach the
// chat's bots as `edited_message`; bots' changes reach people only (bots never see bots).
import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { ChatsService, Recipient } from '../chats/chats.service';
import { eventsForPeople, readingBots, requireMember } from '../chats/membership';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import { parse } from '../validation';
import { parseCommand } from './commands';
import type { Fanout, TxStep } from './fanout';
import { messagesRepository } from './messages.repository';
import {
  findLiveMessage,
  findQuoted,
  loadMessage,
  viewOf,
  type LoadedMessage,
} from './message-query';
import {
  quotedPayload,
  senderOf,
  toMessagePayload,
  type MessengerMessage,
  type Sender,
} from './message-view';
import { botEditBody, messageRef, replyMarkupBody, userEditBody } from './messages.schemas';
import { MAX_PAYLOAD_BYTES } from './payload';

type Verb = 'edit' | 'delete';

interface Located {
  chatType: string;
  members: Recipient[];
  message: LoadedMessage;
}

export class MessageEditsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  /** edit-message `{chat_id, message_id, content}`. */
  async editAsBot(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(botEditBody, input);
    return this.editText(senderOf(bot.user), b.chat_id, b.message_id, b.content);
  }

  /** PATCH /chats/:chat_id/messages/:message_id `{content}`. */
  async editAsUser(
    user: User,
    chatId: string,
    messageId: string,
    input: unknown,
  ): Promise<MessengerMessage> {
    const b = parse(userEditBody, input);
    return this.editText(senderOf(user), chatId, messageId, b.content);
  }

  /** A bot's own message by id alone (answer-callback's `message_content`). */
  async editOwnText(bot: BotWithUser, messageId: string, content: string) {
    return this.fanout.atomically(await this.prepareOwnTextEdit(bot, messageId, content));
  }

  /**
   * editOwnText checked now (every read done), written by the returned step: answer-callback
   * runs it inside the answer's transaction.
   */
  async prepareOwnTextEdit(
    bot: BotWithUser,
    messageId: string,
    content: string,
  ): Promise<TxStep<MessengerMessage>> {
    const m = isUuid(messageId)
      ? await this.db.message.findFirst({
          where: { id: messageId, deletedAt: null },
          select: { chatId: true },
        })
      : null;
    if (!m) throw appError('message_not_found');
    const { members, message } = await this.locateEditable(senderOf(bot.user), m.chatId, messageId);
    return async (tx) => {
      const editedAt = new Date();
      const edited = await messagesRepository.editText(tx.client, message.id, content, editedAt);
      // Deleted since it was checked: the whole transaction fails.
      if (!edited) throw appError('message_not_found');
      const view = viewOf({ ...message, content, editedAt });
      // A bot's edit reaches people only (bots never see bots).
      await tx.write(null, [], eventsForPeople(members, 'message.edited', view));
      return view;
    };
  }

  private async editText(
    actor: Sender,
    chatId: string,
    messageId: string,
    content: string,
  ): Promise<MessengerMessage> {
    const { chatType, members, message } = await this.locateEditable(actor, chatId, messageId);
    const edited = await this.update(message.id, { content, editedAt: new Date() });
    const view = viewOf(edited);
    const quoted = actor.isBot ? null : await findQuoted(this.db, edited);
    const replyTo = quoted && quotedPayload(quoted, senderOf(quoted.sender), chatType);
    const updates = (actor.isBot ? [] : readingBots(members)).map((b) => ({
      botId: b.botId,
      type: 'edited_message',
      payload: toMessagePayload(edited, actor, chatType, parseCommand(content, b.username), {
        replyTo,
      }),
    }));
    await this.fanout.write(null, updates, eventsForPeople(members, 'message.edited', view));
    return view;
  }

  /**
   * edit-reply-markup `{chat_id, message_id, buttons}`: replace the keyboard, or remove it
   * with `[]` or null. Not an edit of the text, so `edited_at` stays as it was; people get
   * `message.edited` with the new keyboard.
   */
  async editReplyMarkup(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(replyMarkupBody, input);
    const actor = senderOf(bot.user);
    const { members, message } = await this.locateOwn(actor, b.chat_id, b.message_id, 'edit');
    const { buttons: _old, ...rest } = (message.payload ?? {}) as Record<string, unknown>;
    const payload = b.buttons?.length ? { ...rest, buttons: b.buttons } : rest;
    if (Buffer.byteLength(JSON.stringify(payload)) > MAX_PAYLOAD_BYTES) {
      throw invalid('buttons', `the message payload must stay within ${MAX_PAYLOAD_BYTES} bytes`);
    }
    const view = viewOf(await this.update(message.id, { payload }));
    await this.fanout.write(null, [], eventsForPeople(members, 'message.edited', view));
    return view;
  }

  async deleteAsBot(bot: BotWithUser, input: unknown): Promise<void> {
    requirePermission(bot, 'send_messages');
    const b = parse(messageRef, input);
    await this.delete(senderOf(bot.user), b.chat_id, b.message_id);
  }

  async deleteAsUser(user: User, chatId: string, messageId: string): Promise<void> {
    await this.delete(senderOf(user), chatId, messageId);
  }

  /**
   * Soft delete: the row stays (replies keep their reference) but leaves history and every
   * action. Its media bytes are deleted outright — a deleted message's file must not stay
   * fetchable — and a pin on it is cleared.
   */
  private async delete(actor: Sender, chatId: string, messageId: string): Promise<void> {
    const { members, message } = await this.locateOwn(actor, chatId, messageId, 'delete');
    const deletedAt = new Date();
    const [marked, , unpinned] = await this.db.$transaction([
      this.db.message.updateMany({
        where: { id: message.id, deletedAt: null },
        data: { deletedAt },
      }),
      this.db.media.deleteMany({ where: { id: message.mediaId ?? { in: [] } } }),
      this.db.chat.updateMany({
        where: { pinnedMessageId: message.id },
        data: { pinnedMessageId: null },
      }),
    ]);
    if (marked.count === 0) throw appError('message_not_found');
    const payload = {
      chat_id: chatId,
      message_id: message.id,
      deleted_at: deletedAt.toISOString(),
      ...(unpinned.count > 0 && { unpinned: true }),
    };
    await this.fanout.write(null, [], eventsForPeople(members, 'message.deleted', payload));
  }

  /** The actor's own message, whose text can change (a poll's cannot). */
  private async locateEditable(actor: Sender, chatId: string, messageId: string) {
    const { chatType, members, message } = await this.locateOwn(actor, chatId, messageId, 'edit');
    if (message.poll) throw appError('message_not_editable');
    return { chatType, members, message };
  }

  /** Member of the chat (403), live message in it (404), sent by the actor (403). */
  private async locateOwn(
    actor: Sender,
    chatId: string,
    messageId: string,
    verb: Verb,
  ): Promise<Located> {
    const { chatType, members } = await this.chats.recipients(chatId);
    requireMember(members, actor.id);
    const message = await findLiveMessage(this.db, chatId, messageId);
    if (message.senderId !== actor.id) {
      throw appError('not_own_message', { detail: verb });
    }
    return { chatType, members, message };
  }

  /** Update a live message and reload it; a concurrent delete makes it a 404. */
  private async update(
    id: string,
    data: { content?: string; editedAt?: Date; payload?: object },
  ): Promise<LoadedMessage> {
    const { count } = await this.db.message.updateMany({ where: { id, deletedAt: null }, data });
    if (count === 0) throw appError('message_not_found');
    return loadMessage(this.db, id);
  }
}
