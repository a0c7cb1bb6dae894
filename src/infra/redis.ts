import { Redis, type RedisOptions } from 'ioredis';

/**
 * One factory for every Redis connection. Commands fail fast while Redis is down
 * (no offline queue that grows without bound); ioredis reconnects and resubscribes itself.
 */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
    ...opts,
  });
}

export type { Redis };
