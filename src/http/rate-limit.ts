// Per-bot request limit shared by both dialects and every process: the counter lives in
// Redis (a fixed one-second window per bot), so the limit holds however many api processes
// serve the bot.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError } from '../domain/errors';
import { rateLimited, type Surface } from '../infra/metrics';

export interface BotRateLimiter {
  /** Count one request for the bot; throws a 429 AppError (with retryAfter) over the limit. */
  consume(botId: string, surface: Surface): Promise<void>;
}

/**
 * `perSecond` 0 disables the limit (benchmarks). The Redis client carries the platform's
 * key prefix, so the counters sit under REDIS_PREFIX. If Redis is unreachable (or not yet
 * connected), a per-process counter stands in rather than failing or delaying every bot request.
 */
const refused = {
  quanta: rateLimited.labels('quanta'),
  gateway: rateLimited.labels('gateway'),
  messenger: rateLimited.labels('messenger'),
};

export function createBotRateLimiter(redis: Redis, perSecond: number): BotRateLimiter {
  if (perSecond === 0) return { consume: async () => {} };
  const opts = { points: perSecond, duration: 1, keyPrefix: 'ratelimit:bot' };
  const limiter = new RateLimiterRedis({
    ...opts,
    storeClient: redis,
    // Redis away: count in memory at once instead of waiting on ioredis' offline queue.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(opts),
  });
  return {
    async consume(botId, surface) {
      try {
        await limiter.consume(botId);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        refused[surface].inc();
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new AppError('rate_limited', { retryAfter });
      }
    },
  };
}
