import type { Db } from '../infra/db/prisma';
import { CHAT_ACTION_EVENT } from '../domain/chats/chat-actions.service';

/** Rows deleted, per table (chat actions are feed events purged on their own clock). */
export interface PurgeResult {
  updates: number;
  events: number;
  chatActions: number;
  callbacks: number;
  webhookAttempts: number;
}

/** Chat actions expire after seconds; the feed already skips them, this frees the rows. */
const CHAT_ACTION_KEEP_MS = 60_000;

/**
 * Delete updates, feed events, callback queries and webhook attempts older than the
 * retention window, and chat actions ("typing…") a minute after they were sent.
 */
export async function purgeExpired(db: Db, retentionHours: number): Promise<PurgeResult> {
  const before = new Date(Date.now() - retentionHours * 3600_000);
  const actionsBefore = new Date(Date.now() - CHAT_ACTION_KEEP_MS);
  const [updates, events, chatActions, callbacks, webhookAttempts] = await Promise.all([
    db.update.deleteMany({ where: { createdAt: { lt: before } } }),
    db.userEvent.deleteMany({ where: { createdAt: { lt: before } } }),
    db.userEvent.deleteMany({
      where: { type: CHAT_ACTION_EVENT, createdAt: { lt: actionsBefore } },
    }),
    db.callbackQuery.deleteMany({ where: { createdAt: { lt: before } } }),
    db.webhookAttempt.deleteMany({ where: { createdAt: { lt: before } } }),
  ]);
  return {
    updates: updates.count,
    events: events.count,
    chatActions: chatActions.count,
    callbacks: callbacks.count,
    webhookAttempts: webhookAttempts.count,
  };
}
