// Emoji reactions on messages, toggled by people (messenger) and bots (set-reaction).
// A person's change reaches the chat's bots as `message_reaction` with the person's old and
// new reactions; every change reaches people as `message.reaction`.
import type { Db } from '../../infra/db/prisma';
import type { Queryable } from '../../infra/db/statement';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import { eventsForPeople, readingBots } from '../chats/membership';
import type { ChatsService } from '../chats/chats.service';
import { invalid } from '../errors';
import type { Fanout } from '../messages/fanout';
import type { MessageRef } from '../messages/edits.service';
import type { MessageRecord, Person } from '../messages/message';
import { readableBy } from '../messages/bot-reading';
import { findLiveMessage, personOf } from '../messages/message-query';
import { MAX_REACTIONS_PER_MEMBER } from './reactions.schemas';
import { reactionsRepository as repo, type Toggled } from './reactions.repository';

const most = `at most ${MAX_REACTIONS_PER_MEMBER} reactions per message`;

export class ReactionsService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatsService,
    private readonly fanout: Fanout,
  ) {}

  /** set-reaction: the Koto toggle (add true adds, false removes). */
  async setAsBot(
    bot: BotWithUser,
    ref: MessageRef,
    emoji: string,
    add: boolean,
  ): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    return readableBy(bot, await this.toggle(personOf(bot.user), ref, emoji, add));
  }

  /**
   * setMessageReaction (Telegram): the bot's reactions on the message become exactly
   * `emojis`, in one transaction: a refusal changes nothing.
   */
  async replaceAsBot(bot: BotWithUser, ref: MessageRef, emojis: string[]): Promise<MessageRecord> {
    requirePermission(bot, 'send_messages');
    const wanted = [...new Set(emojis)];
    if (wanted.length > MAX_REACTIONS_PER_MEMBER) throw invalid('reaction', most);
    const changed = await this.change(personOf(bot.user), ref, async (tx, messageId, actorId) => {
      const { old, changed } = await repo.replace(tx, messageId, actorId, wanted);
      const kept = old.filter((e) => wanted.includes(e));
      return { old, changed, now: [...kept, ...wanted.filter((e) => !kept.includes(e))] };
    });
    return readableBy(bot, changed);
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
    return this.change(actor, ref, async (tx, messageId, actorId) => {
      const { old, changed } = add
        ? await repo.add(tx, messageId, actorId, emoji, MAX_REACTIONS_PER_MEMBER)
        : await repo.remove(tx, messageId, actorId, emoji);
      if (add && !changed && !old.includes(emoji)) throw invalid('emoji', most);
      return { old, changed, now: add ? [...old, emoji] : old.filter((e) => e !== emoji) };
    });
  }

  /**
   * One member's change to their reactions, its update to the chat's reading bots (for a
   * person's change) and its event to people, in one transaction. The member's reactions
   * are locked first, so concurrent changes of the same member apply one after another.
   */
  private async change(
    actor: Person,
    ref: MessageRef,
    write: (
      tx: Queryable,
      messageId: string,
      actorId: string,
    ) => Promise<Toggled & { now: string[] }>,
  ): Promise<MessageRecord> {
    const { chatType, chatTgId, chatName, members } = await this.chats.audience(
      ref.chatId,
      actor.id,
    );
    const message = await findLiveMessage(this.db, ref.chatId, ref.messageId);
    return this.fanout.atomically(async (tx) => {
      await repo.lock(tx.client, message.id, actor.id);
      const { old, changed, now } = await write(tx.client, message.id, actor.id);
      const reloaded = { ...message, reactions: await repo.ofMessage(tx.client, message.id) };
      if (!changed) return reloaded;
      const at = new Date();
      const change = { chatId: ref.chatId, messageId: message.id, actor, old, new: now };
      const updates = (actor.isBot ? [] : readingBots(members)).map((b) => ({
        botId: b.botId,
        update: {
          kind: 'message_reaction' as const,
          ...change,
          chatType,
          chatTgId,
          chatName,
          messageNumber: message.number,
          at,
        },
      }));
      const event = { kind: 'message.reaction' as const, ...change, reactions: reloaded.reactions };
      await tx.write(null, updates, eventsForPeople(members, event));
      return reloaded;
    });
  }
}
