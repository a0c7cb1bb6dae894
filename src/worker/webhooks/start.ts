// The worker role's webhook delivery: drainer + BullMQ worker, and a sweep that
// re-schedules bots whose delivery signal was lost (e.g. Redis was down when the update was written).
import type { Infra, Services } from '../../services';
import { DeliveryRepository } from '../../domain/webhooks/delivery.repository';
import { Drainer, type DeliveryDialect } from './drain';
import { WebhookSender } from './sender';
import type { WebhookQueue } from './queue';
import { startWebhookWorker } from './queue';

const SWEEP_MS = 15_000;

export function startWebhookDelivery(
  infra: Infra,
  services: Services,
  queue: WebhookQueue,
  /** Update shapes per dialect ("quanta", "gateway"), chosen by the webhook's dialect. */
  dialects: Record<string, DeliveryDialect>,
): () => Promise<void> {
  const { config, log, sql, redis } = infra;
  const sender = new WebhookSender(config.WEBHOOK_ALLOW_PRIVATE, config.WEBHOOK_TIMEOUT_MS);
  const drainer = new Drainer({
    sql,
    log,
    webhooks: services.webhooks,
    keys: services.signingKeys,
    sender,
    dialects,
    schedule: config.WEBHOOK_RETRY_SCHEDULE,
    scheduleRetry: (botId, at) => queue.retryAt(botId, at),
  });
  const delivery = new DeliveryRepository(sql);
  const worker = startWebhookWorker(config, log, redis, drainer);
  const sweep = setInterval(() => {
    delivery
      .due()
      .then((botIds) => queue.scheduleDelivery(botIds.map((botId) => ({ botId }))))
      .catch((err: Error) => log.warn({ err: err.message }, 'webhook sweep failed'));
  }, SWEEP_MS);
  sweep.unref();
  return async () => {
    clearInterval(sweep);
    await worker.close();
    sender.close();
  };
}
