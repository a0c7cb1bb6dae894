// Reads of private state that tests assert on and production code has no use for.
import type { Platform } from '../../src/platform';
import type { BotAuthCache } from '../../src/domain/bots/auth-cache';

/** How many bots the platform's key cache holds now. */
export function cachedBots(platform: Platform): number {
  const { cache } = platform.services.bots as unknown as { cache: BotAuthCache<unknown> };
  return cache.fingerprints().size;
}

/** Entries and estimated bytes the platform's key cache holds now. */
export function botCacheStats(platform: Platform): { entries: number; bytes: number } {
  const { cache } = platform.services.bots as unknown as { cache: BotAuthCache<unknown> };
  return cache.stats();
}

/** A user's (or bot user's) integer id on the Telegram form. */
export async function tgIdOf(platform: Platform, userId: string): Promise<number> {
  const r = await platform.sql.query<{ tg_id: string }>(
    'SELECT tg_id FROM users WHERE id = $1::uuid',
    [userId],
  );
  return Number(r.rows[0]!.tg_id);
}

/** A chat's integer id on the Telegram form. */
export async function chatTgIdOf(platform: Platform, chatId: string): Promise<number> {
  const r = await platform.sql.query<{ tg_id: string }>(
    'SELECT tg_id FROM chats WHERE id = $1::uuid',
    [chatId],
  );
  return Number(r.rows[0]!.tg_id);
}

/** The UUID (what the messenger API takes) of a chat's message by its Telegram number. */
export async function messageUuid(platform: Platform, chatId: string, n: number): Promise<string> {
  const r = await platform.sql.query<{ id: string }>(
    'SELECT id FROM messages WHERE chat_id = $1::uuid AND number = $2',
    [chatId, n],
  );
  return r.rows[0]!.id;
}
