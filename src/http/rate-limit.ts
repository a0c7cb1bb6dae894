// Request limits shared by every process: the counters live in Redis (a fixed window per
// key), so a limit holds however many api processes serve the caller. Per bot (both
// dialects) and per person (messenger writes).
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../infra/redis';
import { AppError } from '../domain/errors';
import { rateLimited, type Surface } from '../infra/metrics';
import { userOf } from './context';

export interface RateLimiter {
  /** Count one request for `key`; throws a 429 AppError (with retryAfter) over the limit. */
  consume(key: string, surface: Surface): Promise<void>;
  /** Give back one request counted for `key` (one the platform failed to serve). */
  refund(key: string): Promise<void>;
}

/** Kept by its old name: the bot dialects take a limiter keyed by bot id. */
export type BotRateLimiter = RateLimiter;

interface LimitOptions {
  points: number;
  durationS: number;
  keyPrefix: string;
}

/**
 * `points` 0 disables the limit (benchmarks). The Redis client carries the platform's key
 * prefix, so the counters sit under REDIS_PREFIX. If Redis is unreachable (or not yet
 * connected), a per-process counter stands in rather than failing or delaying every request.
 */
const refused = {
  quanta: rateLimited.labels('quanta'),
  gateway: rateLimited.labels('gateway'),
  messenger: rateLimited.labels('messenger'),
};

export function createRateLimiter(redis: Redis, o: LimitOptions): RateLimiter {
  if (o.points === 0) return { consume: async () => {}, refund: async () => {} };
  const opts = { points: o.points, duration: o.durationS, keyPrefix: o.keyPrefix };
  const limiter = new RateLimiterRedis({
    ...opts,
    storeClient: redis,
    // Redis away: count in memory at once instead of waiting on ioredis' offline queue.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(opts),
  });
  return {
    async consume(key, surface) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        refused[surface].inc();
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new AppError('rate_limited', { retryAfter });
      }
    },
    async refund(key) {
      await limiter.reward(key, 1);
    },
  };
}

/** `perSecond` requests per bot per second. */
export const createBotRateLimiter = (redis: Redis, perSecond: number): BotRateLimiter =>
  createRateLimiter(redis, { points: perSecond, durationS: 1, keyPrefix: 'ratelimit:bot' });

/**
 * Messenger writes per person per minute: what one account can make everyone else's feed
 * store. Counted per signed-in user, before the body is parsed (a refused write costs little).
 */
export function userWriteLimit(redis: Redis, perMinute: number): RequestHandler {
  const limiter = createRateLimiter(redis, {
    points: perMinute,
    durationS: 60,
    keyPrefix: 'ratelimit:user-write',
  });
  return async (req, res, next) => {
    const id = userOf(req).id;
    await limiter.consume(id, 'messenger');
    // A write the platform failed (5xx, e.g. Postgres away) is not the person's: clients
    // retrying through an outage must not find themselves locked out once it is over.
    res.once('finish', () => {
      if (res.statusCode >= 500) limiter.refund(id).catch(() => {});
    });
    next();
  };
}
