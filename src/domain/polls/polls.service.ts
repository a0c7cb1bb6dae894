// Polls: a bot posts one (a message whose content is the question); people vote through the
// messenger. Every vote reaches people as `poll.updated` with the results; the poll's bot
// gets `poll_answer` for non-anonymous polls only, as in Telegram.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import type { ChatsService } from '../chats/chats.service';
import { eventsForPeople, readingBots, requireMember } from '../chats/membership';
import { invalid } from '../errors';
import { parse } from '../validation';
import type { Fanout } from '../messages/fanout';
import { findLiveMessage } from '../messages/message-query';
import type { MessengerMessage } from '../messages/message-view';
import type { MessagesService } from '../messages/messages.service';
import { toPollView, type PollView } from './poll';
import { pollsRepository } from './polls.repository';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const sendPollBody = z.object({
  chat_id: z.string().max(64),
  question: text(300),
  options: z
    .array(text(100))
    .min(2, 'a poll needs 2 to 10 options')
    .max(10, 'a poll needs 2 to 10 options')
    .refine((o) => new Set(o).size === o.length, 'options must be different'),
  is_anonymous: z.boolean().default(true),
  allows_multiple_answers: z.boolean().default(false),
  reply_to_message_id: z.uuid('must be a UUID').optional(),
});

const voteBody = z.object({
  /** Option indexes; [] retracts the vote. */
  option_ids: z
    .array(z.number().int('must be an integer').min(0, 'must be an option id'))
    .max(10, 'at most 10 options')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an option'),
});

export class PollsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly fanout: Fanout,
  ) {}

  /** send-poll `{chat_id, question, options, is_anonymous?, allows_multiple_answers?}`. */
  async send(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(sendPollBody, input);
    return this.messages.postFromBot(bot, b.chat_id, {
      content: b.question,
      reply_to_message_id: b.reply_to_message_id,
      poll: {
        id: randomUUID(),
        question: b.question,
        options: b.options,
        isAnonymous: b.is_anonymous,
        allowsMultipleAnswers: b.allows_multiple_answers,
      },
    });
  }

  /** POST /chats/:chat_id/polls/:message_id/votes `{option_ids}`: vote, change or retract. */
  async vote(user: User, chatId: string, messageId: string, input: unknown): Promise<PollView> {
    const { option_ids: ids } = parse(voteBody, input);
    const { chatType, members } = await this.chats.recipients(chatId);
    requireMember(members, user.id);
    const message = await findLiveMessage(this.db, chatId, messageId, 'poll_not_found');
    const poll = message.poll;
    if (!poll) throw invalid('message_id', 'this message has no poll');
    const bad = ids.find((i) => i >= poll.options.length);
    if (bad !== undefined) throw invalid('option_ids', `${bad} is not an option of this poll`);
    if (ids.length > 1 && !poll.allowsMultipleAnswers) {
      throw invalid('option_ids', 'this poll takes one answer');
    }
    // The vote, its re-read and its fan-out commit together: a failure leaves no vote.
    return this.fanout.atomically(async (tx) => {
      let changed = true;
      if (ids.length === 0) changed = await pollsRepository.retract(tx.client, poll.id, user.id);
      else await pollsRepository.cast(tx.client, poll.id, user.id, ids);
      const votes = await pollsRepository.votes(tx.client, poll.id);
      const view = toPollView({ ...poll, votes });
      // Retracting a vote never cast changes nothing: nobody hears of it.
      if (!changed) return view;
      // The poll's own bot, if it still reads this chat; anonymous votes stay anonymous.
      const owner = readingBots(members).find((b) => b.userId === message.senderId);
      const updates =
        owner && !poll.isAnonymous
          ? [
              {
                botId: owner.botId,
                type: 'poll_answer',
                payload: {
                  poll_id: poll.id,
                  message_id: message.id,
                  chat_id: chatId,
                  chat_type: chatType,
                  user_id: user.id,
                  username: user.username,
                  option_ids: ids,
                  created_at: new Date().toISOString(),
                },
              },
            ]
          : [];
      const event = { chat_id: chatId, message_id: message.id, poll: view };
      await tx.write(null, updates, eventsForPeople(members, 'poll.updated', event));
      return view;
    });
  }
}
