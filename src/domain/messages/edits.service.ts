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
import type { InlineButton, MessagePayload, MessageRecord, Person } from './message';
import { readableBy } from './bot-reading';
import { findLiveMessage, loadMessage, personOf } from './message-query';
import { messageUpdate } from './messages.service';
import { messagesRepository } from './messages.repository';
import { MAX_PAYLOAD_BYTES, payloadBytes } from './payload';
import type { BotBoxes } from '../e2e/bot-boxes.service';
import { openedView } from '../e2e/reader-boxes';
import { boxPayload, isEncrypted, withoutStamps } from '../e2e/envelope';
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

/** What a person's edit of an encrypted message brings beside the new box. */
export interface NewEnvelope {
  nonce: string;
  /** A group's message key boxed per member (see envelope.ts). */
  keys?: unknown;
}

/** New text as stored: a box brings a new payload (nonce, keys). */
interface TextChange {
  content: string;
  /** Absent: the payload stays as it is. */
  payload?: MessagePayload;
  /** The plaintext of a box a managed bot's edge made: what that bot is answered with. */
  plaintext?: string;
}

export class MessageEditsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
    private readonly boxes: BotBoxes,
    /** WEBAPP_ALLOW_HTTP: web_app buttons may open http URLs. */
    private readonly webAppAllowHttp = false,
  ) {}

  /** edit-message: the text of one of the bot's messages (or its new box). */
  async editAsBot(
    bot: BotWithUser,
    ref: MessageRef,
    content: string,
    envelope?: NewEnvelope,
  ): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    const actor = personOf(bot.user);
    const located = await this.locateEditable(actor, ref);
    // A bot that brings its own box (self custody) is checked as a person's client is.
    const change = envelope
      ? personText(actor, located, content, envelope)
      : await this.botText(bot, located, content);
    return readableBy(bot, await this.editText(actor, located, change));
  }

  /**
   * PATCH /chats/:chat_id/messages/:message_id. An encrypted message is replaced by a new box
   * (`envelope.nonce` given, and in a group new `keys`); a plain one by text.
   */
  async editAsUser(
    user: User,
    ref: MessageRef,
    content: string,
    envelope?: NewEnvelope,
  ): Promise<MessageRecord> {
    const actor = personOf(user);
    const located = await this.locateEditable(actor, ref);
    return this.editText(actor, located, personText(actor, located, content, envelope));
  }

  /** A bot's new text: boxed by a managed bot's edge when the chat is encrypted. */
  private async botText(bot: BotWithUser, at: Located, content: string): Promise<TextChange> {
    const { message, members } = at;
    // The box of a sealed file carries the file's key: a new caption alone would lose it.
    if (message.media && isEncrypted(message)) {
      throw invalid('content', 'the caption of an encrypted file cannot be edited');
    }
    const box = await this.boxes.sealFromBot(bot, message.chatType, members, content);
    if (box) {
      const { nonce: _old, ...rest } = withoutStamps(message.payload);
      return { content: box.content, payload: { ...rest, ...box.stamps }, plaintext: content };
    }
    // A self-custody bot's box can only be replaced by another box of its own.
    if (isEncrypted(message)) throw invalid('content', 'an encrypted message needs a new box');
    return { content };
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
    const located = await this.locateEditable(personOf(bot.user), ref);
    const { members, message } = located;
    const change = await this.botText(bot, located, content);
    return async (tx) => {
      const editedAt = new Date();
      const edited = await messagesRepository.editText(
        tx.client,
        message.id,
        change.content,
        editedAt,
        change.payload,
      );
      // Deleted since it was checked: the whole transaction fails.
      if (!edited) throw appError('message_not_found');
      const stored = {
        ...message,
        content: change.content,
        payload: change.payload ?? message.payload,
        editedAt,
      };
      const { replyTo: _quoted, ...shown } = stored;
      // A bot's edit reaches people only (bots never see bots).
      await tx.write(
        null,
        [],
        eventsForPeople(members, { kind: 'message.edited', message: shown }),
      );
      const answer = change.plaintext === undefined ? stored : openedView(stored, change.plaintext);
      return readableBy(bot, answer);
    };
  }

  private async editText(
    actor: Person,
    { members, message }: Located,
    change: TextChange,
  ): Promise<MessageRecord> {
    const edited = await this.update(message.id, {
      content: change.content,
      editedAt: new Date(),
      ...(change.payload && { payload: change.payload }),
    });
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
    return change.plaintext === undefined ? edited : openedView(edited, change.plaintext);
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
    const located = await this.locateEditable(personOf(bot.user), ref);
    const change = await this.botText(bot, located, content);
    const message = { ...located.message, payload: change.payload ?? located.message.payload };
    const payload = withButtons(message, buttons);
    const edited = await this.update(message.id, {
      content: change.content,
      editedAt: new Date(),
      payload,
    });
    await this.announceBotEdit(located.members, edited);
    return readableBy(
      bot,
      change.plaintext === undefined ? edited : openedView(edited, change.plaintext),
    );
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
  if (payloadBytes(payload) > MAX_PAYLOAD_BYTES) {
    throw invalid('buttons', `the message payload must stay within ${MAX_PAYLOAD_BYTES} bytes`);
  }
  return payload;
}

/** A person's new text: a new box for an encrypted message (or to encrypt a plain one). */
function personText(
  actor: Person,
  { members, message }: Located,
  content: string,
  envelope: NewEnvelope | undefined,
): TextChange {
  if (envelope === undefined) {
    if (isEncrypted(message)) {
      throw invalid('payload.nonce', 'an encrypted message is edited with a new box');
    }
    return { content };
  }
  // The old envelope goes: a group's new box comes with its own key boxes.
  const payload = boxPayload(message.chatType, members, actor, content, {
    ...withoutStamps(message.payload),
    ...envelope,
  });
  return { content, payload };
}
