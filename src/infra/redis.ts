import { Cluster, Redis as Single, type ClusterNode, type RedisOptions } from 'ioredis';

/** A single node or a cluster: both answer the same commands (keys of one command in one slot). */
export type Redis = Single | Cluster;

/** Where Redis is: `clusterNodes` set switches every connection to cluster mode. */
export interface RedisTarget {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: { host: string; port: number }[] | undefined;
}

/**
 * One factory for every single-node connection. Commands fail fast while Redis is down
 * (no offline queue that grows without bound); ioredis reconnects and resubscribes itself.
 */
export function createRedis(url: string, opts: RedisOptions = {}): Single {
  return new Single(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
    ...opts,
  });
}

/** Credentials and TLS from a redis:// URL, for connections built from options. */
export function urlAuth(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const u = new URL(url);
  return {
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(u.username && { username: decodeURIComponent(u.username) }),
    ...(u.protocol === 'rediss:' && { tls: {} }),
  };
}

export interface ConnectOptions {
  keyPrefix?: string;
  /** Cluster mode: open one subscriber per master for SSUBSCRIBE (the wakeup bus's reader). */
  sharded?: boolean;
}

/** A connection to wherever `target` says Redis is: one node, or a cluster. */
export function connectRedis(target: RedisTarget, opts: ConnectOptions = {}): Redis {
  const nodes = target.REDIS_CLUSTER_NODES;
  const prefix = opts.keyPrefix === undefined ? {} : { keyPrefix: opts.keyPrefix };
  if (!nodes) return createRedis(target.REDIS_URL, prefix);
  return createCluster(nodes, target.REDIS_URL, {
    ...prefix,
    shardedSubscribers: opts.sharded ?? false,
  });
}

/**
 * A cluster client. During a failover commands for the lost master's slots wait in the offline
 * queue and are retried on its replica once promoted, instead of failing at once.
 */
export function createCluster(
  nodes: ClusterNode[],
  url: string,
  opts: { keyPrefix?: string; shardedSubscribers?: boolean; redisOptions?: RedisOptions } = {},
): Cluster {
  return new Cluster(nodes, {
    enableOfflineQueue: true,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    slotsRefreshTimeout: 2000,
    ...(opts.keyPrefix !== undefined && { keyPrefix: opts.keyPrefix }),
    shardedSubscribers: opts.shardedSubscribers ?? false,
    redisOptions: {
      ...urlAuth(url),
      maxRetriesPerRequest: 1,
      ...opts.redisOptions,
    },
  });
}
