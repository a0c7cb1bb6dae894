// The worker role's housekeeping queue: BullMQ job schedulers run, on exactly one worker
// however many worker processes run, the retention purge and the creation of the update log's
// and event feed's partitions ahead of time (also done once when a worker starts).
import { Queue, Worker } from 'bullmq';
import type { Infra } from '../services';
import { purgeExpired } from './retention';
import { createAhead, partitionHours, PARTITIONED_TABLES } from './partitions';
import { bullConnection, bullPrefix, releaseBullConnection } from './bull';

export const MAINTENANCE_QUEUE = 'maintenance';
const PURGE_EVERY_MS = 10 * 60 * 1000;
// Several runs per partition width (an hour at the least), each creating what is missing.
const PARTITIONS_EVERY_MS = 10 * 60 * 1000;

/** Partitions from the current one through two ahead, for each partitioned table. */
export async function createPartitionsAhead(infra: Pick<Infra, 'config' | 'sql'>) {
  const width = partitionHours(infra.config.UPDATE_RETENTION_HOURS);
  const created: string[] = [];
  for (const table of PARTITIONED_TABLES)
    created.push(...(await createAhead(infra.sql, table, width)));
  return created;
}

export async function startMaintenance(infra: Infra): Promise<() => Promise<void>> {
  const { config, log } = infra;
  // Before the schedule's first run: a worker that starts after a long stop has writes going
  // to the default partition until then. A failure waits for the schedule's next run.
  try {
    const created = await createPartitionsAhead(infra);
    if (created.length > 0) log.info({ created }, 'partitions created');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'creating partitions failed; the schedule retries');
  }
  const connection = bullConnection(config);
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix: bullPrefix(config) });
  const opts = { removeOnComplete: 10, removeOnFail: 50 };
  await queue.upsertJobScheduler(
    'purge-expired',
    { every: PURGE_EVERY_MS },
    { name: 'purge-expired', opts },
  );
  await queue.upsertJobScheduler(
    'create-partitions',
    { every: PARTITIONS_EVERY_MS },
    { name: 'create-partitions', opts },
  );
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name === 'create-partitions') {
        const created = await createPartitionsAhead(infra);
        if (created.length > 0) log.info({ created }, 'partitions created');
        return created;
      }
      const purged = await purgeExpired(infra, config.UPDATE_RETENTION_HOURS);
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
