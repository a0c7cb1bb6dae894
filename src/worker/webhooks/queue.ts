// BullMQ wiring for webhook delivery. A job only says "drain bot X"; what to deliver is in
// Postgres. Every new update adds a job with a unique id, so a drain that is finishing
// cannot swallow the signal for an update committed after its last read; the per-bot lock
// keeps one drainer per bot, and a job that finds the lock taken comes back shortly.
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis as IORedis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../../infra/logger';
import { createCluster, type Redis } from '../../infra/redis';
import type { DeliveryScheduler } from '../../domain/webhooks/webhooks.service';
import { bullConnection, bullPrefix, releaseBullConnection } from '../bull';
import { withBotLock } from './bot-lock';
import type { Drainer } from './drain';

export const WEBHOOK_QUEUE = 'webhooks';
const LOCK_BUSY_RETRY_MS = 100;

interface DrainJob {
  botId: string;
}

const jobOpts = { removeOnComplete: true, removeOnFail: 1000, attempts: 1 };

export class WebhookQueue implements DeliveryScheduler {
  readonly queue: Queue<DrainJob>;
  /** Ours, not BullMQ's: closing must not wait on a connection still settling. */
  private readonly connection: Redis;

  constructor(config: Config) {
    // Adding jobs fails fast while Redis is away (no offline queue, no endless retries of a
    // command cut off mid-flight): the sweep finds what was not queued.
    // On a cluster, adds during a failover wait for the promoted replica instead.
    this.connection = config.REDIS_CLUSTER_NODES
      ? createCluster(config.REDIS_CLUSTER_NODES, config.REDIS_URL)
      : new IORedis({
          ...(bullConnection(config) as RedisOptions),
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
        });
    this.queue = new Queue<DrainJob>(WEBHOOK_QUEUE, {
      connection: this.connection,
      prefix: bullPrefix(config),
    });
  }

  async scheduleDelivery(bots: { botId: string; updateId?: string }[]): Promise<void> {
    if (bots.length === 0) return;
    await this.queue.addBulk(
      bots.map((b) => ({
        name: 'drain',
        data: { botId: b.botId },
        opts: { ...jobOpts, jobId: `${b.botId}.${b.updateId ?? `k${Date.now()}${Math.random()}`}` },
      })),
    );
  }

  async retryAt(botId: string, at: Date): Promise<void> {
    await this.queue.add(
      'drain',
      { botId },
      {
        ...jobOpts,
        jobId: `${botId}.r${at.getTime()}`,
        delay: Math.max(0, at.getTime() - Date.now()),
      },
    );
  }

  /**
   * Redis away, or its connection not yet settled after a restart: QUIT may fail or never be
   * answered, so a close that has not finished within a moment drops the connection instead.
   */
  async close(): Promise<void> {
    const closed = this.queue.close().then(
      () => true,
      () => false,
    );
    const waited = new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref());
    await Promise.race([closed, waited]);
    this.connection.disconnect();
  }
}

export function startWebhookWorker(
  config: Config,
  log: Logger,
  redis: Redis,
  drainer: Drainer,
): Worker<DrainJob> {
  const connection = bullConnection(config);
  const worker = new Worker<DrainJob>(
    WEBHOOK_QUEUE,
    async (job: Job<DrainJob>, token?: string) => {
      const { botId } = job.data;
      const outcome = await withBotLock(redis, log, botId, (lock) => drainer.drain(botId, lock));
      if (outcome !== 'done') {
        // Another process is (or may now be) draining this bot; look again once it is likely done.
        await job.moveToDelayed(Date.now() + LOCK_BUSY_RETRY_MS, token);
        throw new DelayedError();
      }
    },
    {
      connection,
      prefix: bullPrefix(config),
      concurrency: config.WEBHOOK_CONCURRENCY,
      // Short locks so a SIGKILLed worker's job is picked up again within seconds.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 100,
    },
  );
  worker.on('failed', (job, err) =>
    log.warn({ botId: job?.data.botId, err: err.message }, 'drain failed'),
  );
  worker.on('error', (err) => log.warn({ err: err.message }, 'webhook worker error'));
  worker.on('closed', () => releaseBullConnection(connection));
  return worker;
}
