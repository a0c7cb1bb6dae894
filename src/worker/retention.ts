import type { Db, Sql } from '../infra/db/prisma';
import { CHAT_ACTION_EVENT } from '../domain/chats/chat-actions.service';
import { dropExpired } from './partitions';

/** Rows deleted, per table (chat actions are feed events purged on their own clock). */
export interface PurgeResult {
  /** Rows of the update log's default partition (the rest goes with whole partitions). */
  updates: number;
  /** Rows of the event feed's default partition. */
  events: number;
  chatActions: number;
  callbacks: number;
  webhookAttempts: number;
  /** Partitions of the update log and the event feed dropped whole. */
  droppedPartitions: string[];
}

/** Chat actions expire after seconds; the feed already skips them, this frees the rows. */
const CHAT_ACTION_KEEP_MS = 60_000;

/**
 * Retention: the update log and the feed lose each partition once all of it is older than
 * the window (src/worker/partitions.ts); callback queries and webhook attempts older than the
 * window are deleted, and chat actions ("typing…") a minute after they were sent.
 */
export async function purgeExpired(
  { db, sql }: { db: Db; sql: Sql },
  retentionHours: number,
  now = new Date(),
): Promise<PurgeResult> {
  const before = new Date(now.getTime() - retentionHours * 3600_000);
  const actionsBefore = new Date(now.getTime() - CHAT_ACTION_KEEP_MS);
  // One after the other: both take the same maintenance lock.
  const updates = await dropExpired(sql, 'updates', before);
  const events = await dropExpired(sql, 'user_events', before);
  const [chatActions, callbacks, webhookAttempts] = await Promise.all([
    db.userEvent.deleteMany({
      where: { type: CHAT_ACTION_EVENT, createdAt: { lt: actionsBefore } },
    }),
    db.callbackQuery.deleteMany({ where: { createdAt: { lt: before } } }),
    db.webhookAttempt.deleteMany({ where: { createdAt: { lt: before } } }),
  ]);
  return {
    updates: updates.deletedRows,
    events: events.deletedRows,
    chatActions: chatActions.count,
    callbacks: callbacks.count,
    webhookAttempts: webhookAttempts.count,
    droppedPartitions: [...updates.dropped, ...events.dropped],
  };
}
