import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Redis } from './redis';

/** Longest a request waits on Redis for a counter before counting in memory instead. */
const REDIS_DEADLINE_MS = 250;

export interface SharedLimiterOptions {
  /** Under REDIS_PREFIX (the client's own key prefix). */
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

/**
 * A counter shared by every process through Redis. With Redis away, not ready, or slower than
 * REDIS_DEADLINE_MS, the same operation runs on a per-process counter instead: a limit that
 * holds per process for a while beats a request that waits on Redis or fails.
 */
export function sharedLimiter(redis: Redis, opts: SharedLimiterOptions): RateLimiterAbstract {
  return new RLWrapperTimeouts({
    limiter: new RateLimiterRedis({
      ...opts,
      storeClient: redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(opts),
    }),
    timeoutMs: REDIS_DEADLINE_MS,
  });
}

/** Whole seconds until a refused caller may try again (at least 1). */
export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** A limiter's refusal (as opposed to a store failure, which is an ordinary error). */
export const isRefusal = (err: unknown): err is RateLimiterRes => err instanceof RateLimiterRes;
