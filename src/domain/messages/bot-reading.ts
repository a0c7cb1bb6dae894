// What a bot may read of messages. Without `read_messages` a bot sends but does not read:
// it gets no message updates, so no other path may hand it someone else's text either.
import type { BotRow } from '../users/user-rows';
import type { MessageRecord } from './message';

export const canRead = (bot: BotRow) => bot.permissions.includes('read_messages');

/**
 * A message as answered to `bot`: in full with `read_messages`; otherwise without the quoted
 * message, and, unless the bot sent it, without content (text, media, poll, payload) — the
 * ids, sender and reactions stay, so the bot can still reply to or react on it.
 */
export function readableBy(bot: BotRow, m: MessageRecord): MessageRecord {
  if (canRead(bot)) return m;
  const quote = m.replyTo === undefined ? {} : { replyTo: null };
  if (m.sender.id === bot.userId) return { ...m, ...quote };
  return { ...m, ...quote, content: '', payload: {}, media: null, poll: null };
}
