// A webhook drainer outside the worker, on a test platform's services: tests drive drains by
// hand (under withBotLock) and choose its connection, log and sender.
import type { Logger } from 'pino';
import type { Sql } from '../../src/infra/db/prisma';
import type { Platform } from '../../src/platform';
import { quantaDelivery } from '../../src/http/quanta/delivery';
import { Drainer } from '../../src/worker/webhooks/drain';
import type { WebhookSender } from '../../src/worker/webhooks/sender';

export function handDrainer(
  platform: Platform,
  o: { sender: WebhookSender; log: Logger; sql?: Sql },
): Drainer {
  return new Drainer({
    sql: o.sql ?? platform.sql,
    log: o.log,
    webhooks: platform.services.webhooks,
    keys: platform.services.signingKeys,
    sender: o.sender,
    dialects: { quanta: quantaDelivery(platform.services.boxes) },
    schedule: platform.config.WEBHOOK_RETRY_SCHEDULE,
    scheduleRetry: async () => {},
  });
}
