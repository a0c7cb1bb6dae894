// Changing a message after it was sent: its text, its inline keyboard, or deleting it.
// Only the sender may (a bot its own messages, a person theirs). People's edits reach the
// chat's bots as `edited_message`; bots' changes reach people only (bots never see bots).
import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { ChatsService, Recipient } from '../chats/chats.service';
import { eventsForPeople, readingBots } from '../chats/membership';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import type { Fanout, TxStep } from './fanout';
import type { InlineButton, MessageRecord, Person } from './message';
import { readableBy } from './bot-reading';
import { findLiveMessage, loadMessage, personOf } from './message-query';
import { messageUpdate } from './messages.service';
import { messagesRepository } from './messages.repository';
import { MAX_PAYLOAD_BYTES } from './payload';
import { requireWebAppButtons } from '../webapps/webapp-url';

type Verb = 'edit' | 'delete';

/** A message named by chat and id, as bots name them. */
export interface MessageRef {
  chatId: string;
  messageId: string;
}

interface Located {
  members: Recipient[];
  message: MessageRecord;
}

export class MessageEditsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
    /** WEBAPP_ALLOW_HTTP: web_app buttons may open http URLs. */
    private readonly webAppAllowHttp = false,
  ) {}

  /** edit-message: the text of one of the bot's messages. */
  async editAsBot(bot: BotWithUser, ref: MessageRef, content: string): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    return readableBy(bot, await this.editText(personOf(bot.user), ref, content));
  }

  /** PATCH /chats/:chat_id/messages/:message_id. */
  async editAsUser(user: User, ref: MessageRef, content: string): Promise<MessageRecord> {
    return this.editText(personOf(user), ref, content);
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
  ): Promise<TxStep<MessageRecord>> {
    const m = isUuid(messageId)
      ? await this.db.message.findFirst({
          where: { id: messageId, deletedAt: null },
          select: { chatId: true },
        })
      : null;
    if (!m) throw appError('message_not_found');
    const ref = { chatId: m.chatId, messageId };
    const { members, message } = await this.locateEditable(personOf(bot.user), ref);
    return async (tx) => {
      const editedAt = new Date();
      const edited = await messagesRepository.editText(tx.client, message.id, content, editedAt);
      // Deleted since it was checked: the whole transaction fails.
      if (!edited) throw appError('message_not_found');
      const { replyTo: _quoted, ...shown } = { ...message, content, editedAt };
      // A bot's edit reaches people only (bots never see bots).
      await tx.write(
        null,
        [],
        eventsForPeople(members, { kind: 'message.edited', message: shown }),
      );
      return readableBy(bot, { ...message, content, editedAt });
    };
  }

  private async editText(actor: Person, ref: MessageRef, content: string): Promise<MessageRecord> {
    const { members, message } = await this.locateEditable(actor, ref);
    const edited = await this.update(message.id, { content, editedAt: new Date() });
    const updates = (actor.isBot ? [] : readingBots(members)).map((b) => ({
      botId: b.botId,
      update: messageUpdate('edited_message', edited, b.username),
    }));
    const { replyTo: _quoted, ...shown } = edited;
    await this.fanout.write(
      null,
      updates,
      eventsForPeople(members, { kind: 'message.edited', message: shown }),
    );
    return edited;
  }

  /**
   * edit-reply-markup: replace the keyboard, or remove it with `[]` or null. Not an edit of
   * the text, so `edited_at` stays as it was; people get `message.edited` with the new keyboard.
   */
  async editReplyMarkup(
    bot: BotWithUser,
    ref: MessageRef,
    buttons: InlineButton[][] | null,
  ): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    requireWebAppButtons(buttons, this.webAppAllowHttp);
    const { members, message } = await this.locateOwn(personOf(bot.user), ref, 'edit');
    const edited = await this.update(message.id, { payload: withButtons(message, buttons) });
    return readableBy(bot, await this.announceBotEdit(members, edited));
  }

  /** The text and the keyboard of a bot's message, as one change. */
  async editTextAndMarkup(
    bot: BotWithUser,
    ref: MessageRef,
    content: string,
    buttons: InlineButton[][],
  ): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    requireWebAppButtons(buttons, this.webAppAllowHttp);
    const { members, message } = await this.locateEditable(personOf(bot.user), ref);
    const payload = withButtons(message, buttons);
    const edited = await this.update(message.id, { content, editedAt: new Date(), payload });
    return readableBy(bot, await this.announceBotEdit(members, edited));
  }

  /** A bot's change reaches people only (bots never see bots). */
  private async announceBotEdit(
    members: Recipient[],
    edited: MessageRecord,
  ): Promise<MessageRecord> {
    const { replyTo: _quoted, ...shown } = edited;
    const event = { kind: 'message.edited' as const, message: shown };
    await this.fanout.write(null, [], eventsForPeople(members, event));
    return edited;
  }

  async deleteAsBot(bot: BotWithUser, ref: MessageRef): Promise<void> {
    requirePermission(bot, 'send_messages');
    await this.delete(personOf(bot.user), ref);
  }

  async deleteAsUser(user: User, ref: MessageRef): Promise<void> {
    await this.delete(personOf(user), ref);
  }

  /**
   * Soft delete: the row stays (replies keep their reference) but leaves history and every
   * action. Its media bytes are deleted outright — a deleted message's file must not stay
   * fetchable — and a pin on it is cleared.
   */
  private async delete(actor: Person, ref: MessageRef): Promise<void> {
    const { members, message } = await this.locateOwn(actor, ref, 'delete');
    const deletedAt = new Date();
    const [marked, , unpinned] = await this.db.$transaction([
      this.db.message.updateMany({
        where: { id: message.id, deletedAt: null },
        data: { deletedAt },
      }),
      this.db.media.deleteMany({ where: { id: message.media?.id ?? { in: [] } } }),
      this.db.chat.updateMany({
        where: { pinnedMessageId: message.id },
        data: { pinnedMessageId: null },
      }),
    ]);
    if (marked.count === 0) throw appError('message_not_found');
    const event = {
      kind: 'message.deleted' as const,
      chatId: ref.chatId,
      messageId: message.id,
      at: deletedAt,
      unpinned: unpinned.count > 0,
    };
    await this.fanout.write(null, [], eventsForPeople(members, event));
  }

  /** locateOwn, and not a poll (its text is the question). */
  private async locateEditable(actor: Person, ref: MessageRef): Promise<Located> {
    const located = await this.locateOwn(actor, ref, 'edit');
    if (located.message.poll) throw appError('message_not_editable');
    return located;
  }

  /** Member of the chat (403), live message in it (404), sent by the actor (403). */
  private async locateOwn(actor: Person, ref: MessageRef, verb: Verb): Promise<Located> {
    const { members } = await this.chats.audience(ref.chatId, actor.id);
    const message = await findLiveMessage(this.db, ref.chatId, ref.messageId);
    if (message.sender.id !== actor.id) throw appError('not_own_message', { detail: verb });
    return { members, message };
  }

  /** Update a live message and reload it; a concurrent delete makes it a 404. */
  private async update(
    id: string,
    data: { content?: string; editedAt?: Date; payload?: object },
  ): Promise<MessageRecord> {
    const { count } = await this.db.message.updateMany({ where: { id, deletedAt: null }, data });
    if (count === 0) throw appError('message_not_found');
    return loadMessage(this.db, id);
  }
}

/** The message's payload with `buttons` as its keyboard (none when empty or null). */
function withButtons(message: MessageRecord, buttons: InlineButton[][] | null) {
  const { buttons: _old, ...rest } = message.payload;
  const payload = buttons?.length ? { ...rest, buttons } : rest;
  if (Buffer.byteLength(JSON.stringify(payload)) > MAX_PAYLOAD_BYTES) {
    throw invalid('buttons', `the message payload must stay within ${MAX_PAYLOAD_BYTES} bytes`);
  }
  return payload;
}
