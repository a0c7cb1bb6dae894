// Who may act in a chat, and who hears about it: the checks and audiences every chat action
// shares. People get events on their feed; bots with read_messages get updates.
import type { Recipient } from './chats.service';
import { appError } from '../errors';
import type { UserEvent } from '../events/event';
import type { EventOut } from '../messages/fanout';

/** 403 unless `userId` is a member. */
export function requireMember(members: Recipient[], userId: string): void {
  if (!members.some((m) => m.userId === userId)) {
    throw appError('not_a_member');
  }
}

/** Bot members that may read: they get updates. */
export const canRead = (m: Recipient): m is Recipient & { botId: string } =>
  m.isBot && m.botId !== null && m.botPermissions.includes('read_messages');

export const readingBots = (members: Recipient[]) => members.filter(canRead);

/** One event per person in the chat (bots have no feed). */
export const eventsForPeople = (members: Recipient[], event: UserEvent): EventOut[] =>
  members.filter((m) => !m.isBot).map((m) => ({ userId: m.userId, event }));
