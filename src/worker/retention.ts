import type { Db } from '../infra/db/prisma';

export interface PurgeResult {
  updates: number;
  events: number;
  callbacks: number;
}

/** Delete updates, feed events and callback queries older than the retention window. */
export async function purgeExpired(db: Db, retentionHours: number): Promise<PurgeResult> {
  const before = new Date(Date.now() - retentionHours * 3600_000);
  const [updates, events, callbacks] = await Promise.all([
    db.update.deleteMany({ where: { createdAt: { lt: before } } }),
    db.userEvent.deleteMany({ where: { createdAt: { lt: before } } }),
    db.callbackQuery.deleteMany({ where: { createdAt: { lt: before } } }),
  ]);
  return { updates: updates.count, events: events.count, callbacks: callbacks.count };
}
