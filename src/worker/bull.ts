import type { ConnectionOptions } from 'bullmq';
import type { Config } from '../config';

/**
 * BullMQ connection settings. Workers block on Redis, so BullMQ requires
 * maxRetriesPerRequest: null; it opens its own connections from these options.
 */
export function bullConnection(config: Config): ConnectionOptions {
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    ...(url.username && { username: decodeURIComponent(url.username) }),
    ...(url.pathname.length > 1 && { db: Number(url.pathname.slice(1)) }),
    ...(url.protocol === 'rediss:' && { tls: {} }),
    maxRetriesPerRequest: null,
  };
}

/** Queue keys live under the platform's Redis prefix, so tests and tenants stay apart. */
export const bullPrefix = (config: Config) => `${config.REDIS_PREFIX}bull`;
