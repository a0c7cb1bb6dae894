// Each chat's audience (type, name, members with their keys and bot permissions), cached in
// process so a send costs no members read. An entry is tagged with the chat and every member
// (as a person and as a bot): a membership change publishes the chat's id on CHATS_CHANGED
// after its COMMIT, a person's or a bot's change its id on USERS_CHANGED or BOTS_CHANGED,
// and every api process drops the entries so tagged.
import { cache } from '../../infra/metrics';
import { BusCache } from '../../realtime/bus-cache';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { BOTS_CHANGED } from '../bots/auth-cache';
import { USERS_CHANGED } from '../users/people-cache';
import type { ChatAudience } from './chats.service';

/** Carries the id of a chat whose members changed; every api process listens. */
export const CHATS_CHANGED = 'chats:changed';

export const AUDIENCE_LIMITS = { maxEntries: 50_000, maxBytes: 64 * 1024 * 1024 };

export type AudienceCache = BusCache<Readonly<ChatAudience>>;

/**
 * No age limit: entries carry their chat's fingerprint and the cache audit drops any whose
 * chat changed without the message reaching this process, so a chat quiet for a while still
 * costs its next send no members read.
 */
export function audienceCache(bus: WakeupBus): AudienceCache {
  return new BusCache(
    bus,
    [CHATS_CHANGED, USERS_CHANGED, BOTS_CHANGED],
    AUDIENCE_LIMITS,
    cache.chatAudience,
  );
}

/** What a chat's entry is dropped for: the chat, each member, each bot member's bot. */
export function audienceTags(chatId: string, a: ChatAudience): string[] {
  const tags = [chatId];
  for (const m of a.members) {
    tags.push(m.userId);
    if (m.botId) tags.push(m.botId);
  }
  // Kept as long as the entry: an exact-size copy (grown by push, 4 tags hold 17 slots).
  return tags.slice();
}

/** Its strings, two bytes a character, and the fixed part of each member. */
export function audienceBytes(a: ChatAudience): number {
  let chars = a.chatName.length;
  for (const m of a.members) {
    chars += m.username.length + (m.publicKey?.length ?? 0) + 72;
    for (const p of m.botPermissions) chars += p.length;
  }
  return chars * 2 + a.members.length * 120 + 100;
}

/**
 * Shared by every send of the chat: frozen, so that a caller that changed it would throw
 * rather than change what the next send sees.
 */
export function frozen(a: ChatAudience): Readonly<ChatAudience> {
  for (const m of a.members) Object.freeze(Object.freeze(m).botPermissions);
  Object.freeze(a.members);
  return Object.freeze(a);
}
