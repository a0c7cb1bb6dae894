import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import type { Config } from '../config';
import { createCluster, urlAuth } from '../infra/redis';

/**
 * BullMQ connection settings. Workers block on Redis, so BullMQ requires
 * maxRetriesPerRequest: null; it opens its own connections from these options. On a cluster
 * BullMQ needs a Cluster client instead, which the caller closes (see `releaseBullConnection`).
 */
export function bullConnection(config: Config): ConnectionOptions {
  if (config.REDIS_CLUSTER_NODES) {
    return createCluster(config.REDIS_CLUSTER_NODES, config.REDIS_URL, {
      redisOptions: { maxRetriesPerRequest: null },
    });
  }
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...urlAuth(config.REDIS_URL),
    ...(url.pathname.length > 1 && { db: Number(url.pathname.slice(1)) }),
    maxRetriesPerRequest: null,
  };
}

/** Close a connection `bullConnection` opened itself (BullMQ leaves clients it was given open). */
export function releaseBullConnection(connection: ConnectionOptions): void {
  if (connection instanceof Cluster) connection.disconnect();
}

/**
 * Queue keys live under the platform's Redis prefix, so tests and tenants stay apart. On a
 * cluster the prefix is a hash tag: every key of a queue (its Lua scripts touch many) in one slot.
 */
export const bullPrefix = (config: Config) =>
  config.REDIS_CLUSTER_NODES ? `{${config.REDIS_PREFIX}bull}` : `${config.REDIS_PREFIX}bull`;
