// Inline-button taps (user → bot) and their answers (bot → user).
import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import type { ChatsService } from '../chats/chats.service';
import type { Fanout } from '../messages/fanout';
import type { MessageEditsService } from '../messages/edits.service';
import { readableBy } from '../messages/bot-reading';
import { messageInclude, personOf, toRecord } from '../messages/message-query';
import type { MessagesService } from '../messages/messages.service';
import { callbackDataOf } from '../messages/payload';
import { callbacksRepository } from './callbacks.repository';

export interface CallbackAnswer {
  callbackId: string;
  text?: string;
  showAlert?: boolean;
  /** Also post `text` into this chat (the Koto reference's answer-callback). */
  chatId?: string;
  /** Also replace the text of the message whose button was tapped. */
  messageContent?: string;
}

export interface CallbackState {
  callbackId: string;
  answered: boolean;
  text: string | null;
  showAlert: boolean;
}

export class CallbacksService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly edits: MessageEditsService,
    private readonly fanout: Fanout,
  ) {}

  /** A user taps a button on a bot's message: a `callback` update for that bot. */
  async tap(user: User, chatId: string, messageId: string, data: string): Promise<string> {
    await this.chats.audience(chatId, user.id);
    const found = isUuid(messageId)
      ? await this.db.message.findFirst({
          where: { id: messageId, chatId, deletedAt: null },
          include: { ...messageInclude, sender: { include: { botProfile: true } } },
        })
      : null;
    if (!found) throw appError('message_not_found');
    const bot = found.sender.botProfile;
    if (!bot || !bot.isActive) throw appError('message_has_no_buttons');
    if (!callbackDataOf(found.payload).has(data)) {
      throw invalid('callback_data', 'no button on this message carries it');
    }
    const cb = await this.db.callbackQuery.create({
      data: { botId: bot.id, chatId, messageId, userId: user.id, data },
    });
    const update = {
      kind: 'callback' as const,
      callbackId: cb.id,
      from: personOf(user),
      data,
      message: readableBy(bot, toRecord(found)),
    };
    await this.fanout.write(null, [{ botId: bot.id, update }], []);
    return cb.id;
  }

  /** What the tapping user sees of the answer; nobody else may look. */
  async get(user: User, callbackId: string): Promise<CallbackState> {
    const cb = isUuid(callbackId)
      ? await this.db.callbackQuery.findFirst({ where: { id: callbackId, userId: user.id } })
      : null;
    if (!cb) throw appError('callback_not_found');
    return stateOf(cb);
  }

  /** Only the bot that received the tap may answer, and only once. */
  async answer(bot: BotWithUser, a: CallbackAnswer): Promise<CallbackState> {
    if (a.chatId !== undefined && !a.text) {
      throw appError('missing_field', { field: 'text', detail: 'with chat_id' });
    }
    const cb = isUuid(a.callbackId)
      ? await this.db.callbackQuery.findFirst({ where: { id: a.callbackId, botId: bot.id } })
      : null;
    if (!cb) throw appError('callback_not_found');
    // Checked before the answer is recorded, so a bad chat_id leaves the callback open.
    if (a.chatId !== undefined) await this.chats.audience(a.chatId, bot.userId);
    // Everything is checked first; then the answer, its event, the edit and the post are
    // written in one transaction: a failing step (say, the message was deleted meanwhile)
    // leaves the callback unanswered and nothing half-written.
    const edit = a.messageContent
      ? await this.edits.prepareOwnTextEdit(bot, cb.messageId, a.messageContent)
      : undefined;
    const post =
      a.chatId !== undefined && a.text
        ? await this.messages.prepareSendAsBot(bot, a.chatId, { content: a.text })
        : undefined;
    return this.fanout.atomically(async (tx) => {
      const answer: CallbackState = {
        callbackId: cb.id,
        answered: true,
        text: a.text ?? null,
        showAlert: !!a.showAlert,
      };
      const count = await callbacksRepository.markAnswered(tx.client, cb.id, answer);
      if (count === 0) throw appError('callback_answered');
      const event = {
        kind: 'callback.answered' as const,
        callbackId: cb.id,
        chatId: cb.chatId,
        messageId: cb.messageId,
        text: answer.text,
        showAlert: answer.showAlert,
      };
      await tx.write(null, [], [{ userId: cb.userId, event }]);
      if (edit) await edit(tx);
      if (post) await post(tx);
      return answer;
    });
  }
}

function stateOf(cb: {
  id: string;
  answeredAt: Date | null;
  answerText: string | null;
  showAlert: boolean;
}): CallbackState {
  return {
    callbackId: cb.id,
    answered: cb.answeredAt !== null,
    text: cb.answeredAt ? cb.answerText : null,
    showAlert: cb.answeredAt ? cb.showAlert : false,
  };
}
