// The worker role's housekeeping queue: a BullMQ job scheduler runs the retention purge
// every few minutes on exactly one worker, however many worker processes run.
import { Queue, Worker } from 'bullmq';
import type { Infra } from '../services';
import { purgeExpired } from './retention';
import { bullConnection, bullPrefix, releaseBullConnection } from './bull';

export const MAINTENANCE_QUEUE = 'maintenance';
const PURGE_EVERY_MS = 10 * 60 * 1000;

export async function startMaintenance(infra: Infra): Promise<() => Promise<void>> {
  const { config, db, log } = infra;
  const connection = bullConnection(config);
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix: bullPrefix(config) });
  await queue.upsertJobScheduler(
    'purge-expired',
    { every: PURGE_EVERY_MS },
    { name: 'purge-expired', opts: { removeOnComplete: 10, removeOnFail: 50 } },
  );
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async () => {
      const purged = await purgeExpired(db, config.UPDATE_RETENTION_HOURS);
      log.info({ purged }, 'retention purge');
      return purged;
    },
    { connection, prefix: bullPrefix(config), concurrency: 1 },
  );
  worker.on('failed', (_job, err) => log.warn({ err: err.message }, 'maintenance job failed'));
  // Without listeners BullMQ prints each connection error raw on stderr (Redis outages).
  queue.on('error', (err) => log.warn({ err: err.message }, 'maintenance queue error'));
  worker.on('error', (err) => log.warn({ err: err.message }, 'maintenance worker error'));
  return async () => {
    await worker.close();
    await queue.close();
    releaseBullConnection(connection);
  };
}
