// Polls: a bot posts one (a message whose content is the question); people vote through the
// messenger. Every vote reaches people as `poll.updated` with the results; the poll's bot
// gets `poll_answer` for non-anonymous polls only, as in Telegram.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import type { ChatsService } from '../chats/chats.service';
import { eventsForPeople, readingBots } from '../chats/membership';
import { invalid } from '../errors';
import type { Fanout } from '../messages/fanout';
import type { MessageRecord } from '../messages/message';
import { findLiveMessage, personOf } from '../messages/message-query';
import type { MessagesService } from '../messages/messages.service';
import type { PollRecord } from './poll';
import { pollsRepository } from './polls.repository';

export interface NewPollCommand {
  question: string;
  options: string[];
  isAnonymous: boolean;
  allowsMultipleAnswers: boolean;
  replyToId?: string;
}

export class PollsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly fanout: Fanout,
  ) {}

  /** send-poll: a message whose content is the question. */
  async send(bot: BotWithUser, chatId: string, p: NewPollCommand): Promise<MessageRecord> {
    return this.messages.sendAsBot(bot, chatId, {
      content: p.question,
      replyToId: p.replyToId,
      poll: {
        id: randomUUID(),
        question: p.question,
        options: p.options,
        isAnonymous: p.isAnonymous,
        allowsMultipleAnswers: p.allowsMultipleAnswers,
      },
    });
  }

  /** Vote, change the vote, or retract it (no option ids). */
  async vote(user: User, chatId: string, messageId: string, ids: number[]): Promise<PollRecord> {
    const { chatType, chatTgId, chatName, members } = await this.chats.audience(chatId, user.id);
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
      const updated = { ...poll, votes: await pollsRepository.votes(tx.client, poll.id) };
      // Retracting a vote never cast changes nothing: nobody hears of it.
      if (!changed) return updated;
      // The poll's own bot, if it still reads this chat; anonymous votes stay anonymous.
      const owner = readingBots(members).find((b) => b.userId === message.sender.id);
      const updates =
        owner && !poll.isAnonymous
          ? [
              {
                botId: owner.botId,
                update: {
                  kind: 'poll_answer' as const,
                  pollId: poll.id,
                  chatId,
                  chatType,
                  chatTgId,
                  chatName,
                  messageId: message.id,
                  messageNumber: message.number,
                  voter: personOf(user),
                  optionIds: ids,
                  at: new Date(),
                },
              },
            ]
          : [];
      const event = {
        kind: 'poll.updated' as const,
        chatId,
        messageId: message.id,
        poll: updated,
      };
      await tx.write(null, updates, eventsForPeople(members, event));
      return updated;
    });
  }
}
