// Emoji reactions on messages, toggled by people (messenger) and bots (set-reaction).
// A person's change reaches the chat's bots as `message_reaction` with the person's old and
// new reactions; every change reaches people as `message.reaction`.
import type { Db, Sql } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import { eventsForPeople, readingBots } from '../chats/membership';
import type { ChatsService } from '../chats/chats.service';
import { invalid } from '../errors';
import type { Fanout } from '../messages/fanout';
import type { MessageRef } from '../messages/edits.service';
import type { MessageRecord, Person } from '../messages/message';
import { findLiveMessage, loadMessage, personOf } from '../messages/message-query';
import { MAX_REACTIONS_PER_MEMBER } from './reactions.schemas';
import { ReactionsRepository } from './reactions.repository';

export class ReactionsService {
  private readonly repo: ReactionsRepository;

  constructor(
    private readonly db: Db,
    sql: Sql,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {
    this.repo = new ReactionsRepository(sql);
  }

  /** set-reaction: the Koto toggle (add true adds, false removes). */
  async setAsBot(
    bot: BotWithUser,
    ref: MessageRef,
    emoji: string,
    add: boolean,
  ): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    return this.toggle(personOf(bot.user), ref, emoji, add);
  }

  /** POST (add) / DELETE (remove) /chats/:chat_id/messages/:message_id/reactions. */
  async setAsUser(
    user: User,
    ref: MessageRef,
    emoji: string,
    add: boolean,
  ): Promise<MessageRecord> {
    return this.toggle(personOf(user), ref, emoji, add);
  }

  /** The emoji one member has put on a message, oldest first. */
  async mine(person: string, ref: MessageRef): Promise<string[]> {
    await this.chats.audience(ref.chatId, person);
    const message = await findLiveMessage(this.db, ref.chatId, ref.messageId);
    return message.reactions.filter((r) => r.userId === person).map((r) => r.emoji);
  }

  /**
   * Idempotent: adding a reaction already there (or removing one that is not) changes
   * nothing and notifies nobody; the answer is the message either way.
   */
  private async toggle(
    actor: Person,
    ref: MessageRef,
    emoji: string,
    add: boolean,
  ): Promise<MessageRecord> {
    const { chatType, chatTgId, members } = await this.chats.audience(ref.chatId, actor.id);
    const message = await findLiveMessage(this.db, ref.chatId, ref.messageId);
    const { old, changed } = add
      ? await this.repo.add(message.id, actor.id, emoji, MAX_REACTIONS_PER_MEMBER)
      : await this.repo.remove(message.id, actor.id, emoji);
    if (add && !changed && !old.includes(emoji)) {
      throw invalid('emoji', `at most ${MAX_REACTIONS_PER_MEMBER} reactions per message`);
    }
    const reloaded = await loadMessage(this.db, message.id);
    if (!changed) return reloaded;
    const now = add ? [...old, emoji] : old.filter((e) => e !== emoji);
    const at = new Date();
    const change = { chatId: ref.chatId, messageId: message.id, actor, old, new: now };
    const updates = (actor.isBot ? [] : readingBots(members)).map((b) => ({
      botId: b.botId,
      update: {
        kind: 'message_reaction' as const,
        ...change,
        chatType,
        chatTgId,
        messageNumber: message.number,
        at,
      },
    }));
    const event = { kind: 'message.reaction' as const, ...change, reactions: reloaded.reactions };
    await this.fanout.write(null, updates, eventsForPeople(members, event));
    return reloaded;
  }
}
