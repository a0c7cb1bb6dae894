// Emoji reactions on messages, toggled by people (messenger) and bots (set-reaction).
// A person's change reaches the chat's bots as `message_reaction` with the person's old and
// new reactions; every change reaches people as `message.reaction`.
import { z } from 'zod';
import type { Db, Sql } from '../../infra/db/prisma';
import type { User } from '../../generated/prisma/client';
import type { BotWithUser } from '../bots/bots.service';
import { requirePermission } from '../bots/bots.service';
import { eventsForPeople, readingBots, requireMember } from '../chats/membership';
import type { ChatsService } from '../chats/chats.service';
import { invalid } from '../errors';
import { parse } from '../validation';
import type { Fanout } from '../messages/fanout';
import { findLiveMessage, loadMessage, viewOf } from '../messages/message-query';
import { senderOf, type MessengerMessage, type Sender } from '../messages/message-view';
import { summarizeReactions } from './reaction';
import { ReactionsRepository } from './reactions.repository';

/** Distinct emoji one member may put on one message (as Telegram's premium limit). */
export const MAX_REACTIONS_PER_MEMBER = 3;

// One emoji: a single RGI emoji (ZWJ sequences, flags, keycaps and skin tones included).
const EMOJI = /^\p{RGI_Emoji}$/v;

export const emoji = z
  .string()
  .max(32, 'must be one emoji')
  .refine((s) => EMOJI.test(s), 'must be one emoji');

const userBody = z.object({ emoji });

const botBody = z.object({
  chat_id: z.string().max(64),
  message_id: z.string().max(64),
  emoji,
  /** The Koto reference's toggle: true (default) adds, false removes. */
  add: z.boolean().default(true),
});

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

  /** set-reaction `{chat_id, message_id, emoji, add?}`. */
  async setAsBot(bot: BotWithUser, input: unknown): Promise<MessengerMessage> {
    requirePermission(bot, 'send_messages');
    const b = parse(botBody, input);
    return this.toggle(senderOf(bot.user), b.chat_id, b.message_id, b.emoji, b.add);
  }

  /** POST (add) / DELETE (remove) /chats/:chat_id/messages/:message_id/reactions `{emoji}`. */
  async setAsUser(
    user: User,
    chatId: string,
    messageId: string,
    input: unknown,
    add: boolean,
  ): Promise<MessengerMessage> {
    const b = parse(userBody, input);
    return this.toggle(senderOf(user), chatId, messageId, b.emoji, add);
  }

  /**
   * Idempotent: adding a reaction already there (or removing one that is not) changes
   * nothing and notifies nobody; the answer is the message either way.
   */
  private async toggle(
    actor: Sender,
    chatId: string,
    messageId: string,
    emoji: string,
    add: boolean,
  ): Promise<MessengerMessage> {
    const { chatType, members } = await this.chats.recipients(chatId);
    requireMember(members, actor.id);
    const message = await findLiveMessage(this.db, chatId, messageId);
    const { old, changed } = add
      ? await this.repo.add(message.id, actor.id, emoji, MAX_REACTIONS_PER_MEMBER)
      : await this.repo.remove(message.id, actor.id, emoji);
    if (add && !changed && !old.includes(emoji)) {
      throw invalid('emoji', `at most ${MAX_REACTIONS_PER_MEMBER} reactions per message`);
    }
    const reloaded = await loadMessage(this.db, message.id);
    const view = viewOf(reloaded);
    if (!changed) return view;
    const now = add ? [...old, emoji] : old.filter((e) => e !== emoji);
    const change = {
      chat_id: chatId,
      message_id: message.id,
      user_id: actor.id,
      username: actor.username,
      old_reaction: old,
      new_reaction: now,
    };
    const updates = (actor.isBot ? [] : readingBots(members)).map((b) => ({
      botId: b.botId,
      type: 'message_reaction',
      payload: { ...change, chat_type: chatType, created_at: new Date().toISOString() },
    }));
    const event = { ...change, reactions: summarizeReactions(reloaded.reactions) };
    await this.fanout.write(null, updates, eventsForPeople(members, 'message.reaction', event));
    return view;
  }
}
