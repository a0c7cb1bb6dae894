// Inline-button taps (user → bot) and their answers (bot → user).
import { z } from 'zod';
import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { appError, invalid } from '../errors';
import { isUuid } from '../ids';
import { parse } from '../validation';
import type { ChatsService } from '../chats/chats.service';
import type { Fanout } from '../messages/fanout';
import { callbackDataOf } from '../messages/payload';
import { MAX_CONTENT } from '../messages/messages.schemas';
import type { MessagesService } from '../messages/messages.service';
import { senderOf } from '../messages/messages.service';
import { toMessengerMessage } from '../messages/message-view';
import { messageInclude } from '../messages/message-query';
import { callbacksRepository } from './callbacks.repository';

const tapBody = z.object({
  callback_data: z.string().min(1, 'must not be empty').max(256),
});

const answerBody = z.object({
  callback_id: z.string().max(64),
  text: z.string().max(200, 'must be at most 200 characters').optional(),
  show_alert: z.boolean().optional(),
  chat_id: z.string().max(64).optional(),
  message_content: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`)
    .optional(),
});

export interface CallbackView {
  callback_id: string;
  answered: boolean;
  text?: string;
  show_alert?: boolean;
}

export class CallbacksService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly fanout: Fanout,
  ) {}

  /** A user taps a button on a bot's message: a `callback` update for that bot. */
  async tap(user: User, chatId: string, messageId: string, input: unknown): Promise<string> {
    const { callback_data: data } = parse(tapBody, input);
    const { chatType, members } = await this.chats.recipients(chatId);
    if (!members.some((m) => m.userId === user.id)) throw appError('not_a_member');
    const message = isUuid(messageId)
      ? await this.db.message.findFirst({
          where: { id: messageId, chatId, deletedAt: null },
          include: { ...messageInclude, sender: { include: { botProfile: true } } },
        })
      : null;
    if (!message) throw appError('message_not_found');
    const bot = message.sender.botProfile;
    if (!bot || !bot.isActive) throw appError('message_has_no_buttons');
    if (!callbackDataOf(message.payload).has(data)) {
      throw invalid('callback_data', 'no button on this message carries it');
    }
    const cb = await this.db.callbackQuery.create({
      data: { botId: bot.id, chatId, messageId, userId: user.id, data },
    });
    const payload = {
      callback_id: cb.id,
      chat_id: chatId,
      chat_type: chatType,
      message_id: messageId,
      user_id: user.id,
      username: user.username,
      data,
      message: toMessengerMessage(message, senderOf(message.sender)),
    };
    await this.fanout.write(null, [{ botId: bot.id, type: 'callback', payload }], []);
    return cb.id;
  }

  /** What the tapping user sees of the answer; nobody else may look. */
  async get(user: User, callbackId: string): Promise<CallbackView> {
    const cb = isUuid(callbackId)
      ? await this.db.callbackQuery.findFirst({ where: { id: callbackId, userId: user.id } })
      : null;
    if (!cb) throw appError('callback_not_found');
    return view(cb);
  }

  /** Only the bot that received the tap may answer, and only once. */
  async answer(bot: BotWithUser, input: unknown): Promise<CallbackView> {
    if ((input as { callback_id?: unknown })?.callback_id === undefined) {
      throw appError('missing_field', { field: 'callback_id' });
    }
    const body = parse(answerBody, input);
    if (body.chat_id !== undefined && !body.text)
      throw appError('missing_field', { field: 'text', detail: 'with chat_id' });
    const cb = isUuid(body.callback_id)
      ? await this.db.callbackQuery.findFirst({ where: { id: body.callback_id, botId: bot.id } })
      : null;
    if (!cb) throw appError('callback_not_found');
    if (body.chat_id !== undefined) await this.requireBotIn(bot, body.chat_id);
    // Everything is checked first; then the answer, its event, the edit and the post are
    // written in one transaction: a failing step (say, the message was deleted meanwhile)
    // leaves the callback unanswered and nothing half-written.
    const edit = body.message_content
      ? await this.messages.prepareEditAsBot(bot, cb.messageId, body.message_content)
      : undefined;
    const post =
      body.chat_id !== undefined
        ? await this.messages.preparePostAsBot(bot, { chat_id: body.chat_id, content: body.text })
        : undefined;
    return this.fanout.atomically(async (tx) => {
      const count = await callbacksRepository.markAnswered(tx.client, cb.id, {
        text: body.text ?? null,
        showAlert: !!body.show_alert,
      });
      if (count === 0) throw appError('callback_answered');
      const answer: CallbackView = { ...view(cb), answered: true, ...textOf(body) };
      await tx.write(
        null,
        [],
        [
          {
            userId: cb.userId,
            type: 'callback.answered',
            payload: { ...answer, chat_id: cb.chatId, message_id: cb.messageId },
          },
        ],
      );
      if (edit) await edit(tx);
      if (post) await post(tx);
      return answer;
    });
  }

  /** Checked before the answer is recorded, so a bad chat_id leaves the callback open. */
  private async requireBotIn(bot: BotWithUser, chatId: string): Promise<void> {
    const { members } = await this.chats.recipients(chatId);
    if (!members.some((m) => m.userId === bot.userId)) {
      throw appError('not_a_member');
    }
  }
}

const textOf = (b: { text?: string; show_alert?: boolean }) => ({
  ...(b.text !== undefined && { text: b.text }),
  show_alert: !!b.show_alert,
});

function view(cb: {
  id: string;
  answeredAt: Date | null;
  answerText: string | null;
  showAlert: boolean;
}): CallbackView {
  return {
    callback_id: cb.id,
    answered: cb.answeredAt !== null,
    ...(cb.answeredAt && {
      ...(cb.answerText !== null && { text: cb.answerText }),
      show_alert: cb.showAlert,
    }),
  };
}
