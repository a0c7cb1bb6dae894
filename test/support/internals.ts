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
