// Api processes keep caches that Redis invalidates (bot keys, chat audiences, quiet inboxes).
// Should an invalidation be lost, this bounds how long it matters: every CACHE_AUDIT_MS, one
// statement per cache checks every entry against Postgres.
import type { Logger } from '../infra/logger';
import type { Services } from '../services';

export function startCacheAudit(
  services: Pick<Services, 'bots' | 'chats' | 'updates'>,
  log: Logger,
  everyMs: number,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const audit = async () => {
    await Promise.all([
      services.bots.auditCache(),
      services.chats.auditAudiences(),
      services.updates.auditQuiet(),
    ]);
  };
  const timer = setInterval(() => {
    running ??= audit()
      .catch((err: Error) => log.warn({ err: err.message }, 'cache audit failed'))
      .finally(() => (running = undefined));
  }, everyMs).unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
