// The per-bot update log as bots read it: consume-once batches (no offset) or Telegram-style
// offset acknowledgement, both over a long-poll.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { longWait } from '../../realtime/long-wait';
import { appError } from '../errors';
import { cache, parkedPolls, wakeLatency } from '../../infra/metrics';
import type { Bot } from '../../generated/prisma/client';
import { requirePermission } from '../bots/bots.service';
import { botChannel } from '../messages/fanout';
import { carriedRow } from './carried-update';
import { QuietInboxes, pollKey } from './quiet-inboxes';
import type { Update } from './update';
import { updateFromRow, type UpdateRow } from './update-row';
import { UpdatesRepository } from './updates.repository';

export interface PollOptions {
  timeoutS: number;
  limit: number;
  /** Absent: hand the batch out once. Present: acknowledge below it, consume nothing. */
  offset?: number;
  /** Types to return (gateway allowed_updates); others are skipped and acknowledged. */
  types?: string[];
}

const int = (name: string) =>
  z.coerce.number({ error: `${name} must be an integer` }).int(`${name} must be an integer`);

export const pollQuery = z.object({
  timeout: int('timeout').optional(),
  limit: int('limit').optional(),
  offset: int('offset').optional(),
});

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** A poll's settings, clamped: limit 1–100, timeout 0–50 s, offset at least 0. */
export function pollOptions(q: z.infer<typeof pollQuery>, defaultTimeout: number): PollOptions {
  return {
    timeoutS: clamp(q.timeout ?? defaultTimeout, 0, 50),
    limit: clamp(q.limit ?? 100, 1, 100),
    ...(q.offset !== undefined && { offset: Math.max(q.offset, 0) }),
  };
}

/** A parked poll answered because of a wakeup published at `publishedAt` (epoch ms). */
const observeWake = (publishedAt: number) =>
  wakeLatency.observe(Math.max(0, Date.now() - publishedAt) / 1000);

/**
 * The update a wakeup carries, when it is exactly what a read would answer first: the poll
 * acknowledges by offset (a consuming read must move the mark in Postgres), its empty read
 * proved nothing at or past the offset was there, and this update is numbered the offset.
 * Numbers are dense per bot and commit in order, so nothing lies between. Anything else
 * (another number: a wakeup lost or out of order) reads the log.
 */
function nextUpdate(message: string, o: PollOptions): UpdateRow | undefined {
  if (o.offset === undefined) return undefined;
  const row = carriedRow(message);
  if (row?.update_id !== String(o.offset)) return undefined;
  if (o.types && !o.types.includes(row.type)) return undefined;
  return row;
}

export class UpdatesService {
  private readonly quiet: QuietInboxes;
  private readonly repo: UpdatesRepository;

  constructor(
    sql: Sql,
    private readonly bus: WakeupBus,
  ) {
    this.quiet = new QuietInboxes(bus);
    this.repo = new UpdatesRepository(sql);
  }

  /** One read of the log as the poll's options say (consumed or acknowledged), as rows. */
  read(botId: string, o: PollOptions): Promise<UpdateRow[]> {
    return o.offset === undefined
      ? this.repo.consume(botId, o.limit, o.types ?? null)
      : this.repo.ackAndRead(botId, o.offset, o.limit, o.types ?? null);
  }

  /** poll(), as domain records. */
  async poll(bot: Bot, o: PollOptions, signal: AbortSignal): Promise<Update[]> {
    return (await this.pollRows(bot, o, signal)).map(updateFromRow);
  }

  /**
   * Long-poll: at once when updates wait, else park until a wakeup, the timeout or abort.
   * A bot whose last poll found nothing, with nothing published for it since, parks
   * without a query (see QuietInboxes); a webhook set meanwhile was published too.
   */
  async pollRows(bot: Bot, o: PollOptions, signal: AbortSignal): Promise<UpdateRow[]> {
    requirePermission(bot, 'read_messages');
    const botId = bot.id;
    const key = pollKey(o.offset, o.types);
    // Quiet: no webhook was set since the last check either (setting one is news on the
    // channel). Should news land before the listener is in, check then, before reading.
    const quietAtStart = this.quiet.isQuiet(botId, key);
    (quietAtStart ? cache.quietInbox.hit : cache.quietInbox.miss).inc();
    // The reads hand out nothing while a webhook is set, so the webhook is asked about only
    // when the first read comes back empty: a poll with updates waiting is one round trip.
    let webhookUnchecked = !quietAtStart;
    const channel = botChannel(botId);
    const batch = await longWait({
      bus: this.bus,
      channel,
      logStillEmpty: () => {
        const quiet = this.quiet.isQuiet(botId, key);
        if (quietAtStart && !quiet) webhookUnchecked = true;
        return quiet;
      },
      read: async () => {
        const version = this.bus.newsVersion(channel);
        const rows = await this.read(botId, o);
        if (rows.length === 0 && webhookUnchecked) {
          webhookUnchecked = false;
          await this.refuseIfWebhook(botId);
        }
        if (rows.length > 0) this.quiet.forget(botId);
        else this.quiet.remember(botId, key, Math.max((o.offset ?? 1) - 1, 0), version);
        return rows;
      },
      timeoutMs: o.timeoutS * 1000,
      signal,
      exclusiveId: randomUUID(),
      onTakenOver: (by) => appError(by === 'webhook' ? 'webhook_active' : 'poll_superseded'),
      onPark: parkedPolls,
      onWokenAnswer: observeWake,
      answerFrom: (message) => {
        const next = nextUpdate(message, o);
        if (next) this.quiet.forget(botId);
        return next && [next];
      },
    });
    if (signal.aborted && batch.length > 0 && o.offset === undefined) {
      await this.unconsume(botId, batch);
      return [];
    }
    return batch;
  }

  /** 409 while a webhook is set: delivery is exclusive. */
  private async refuseIfWebhook(botId: string): Promise<void> {
    if (await this.repo.hasWebhook(botId)) throw appError('webhook_active');
  }

  /** The batch is pending again: news for any poll of this bot, here or elsewhere. */
  private async unconsume(botId: string, batch: UpdateRow[]): Promise<void> {
    const first = batch[0]!.update_id;
    const last = batch[batch.length - 1]!.update_id;
    await this.repo.unconsume(botId, first, last);
    this.quiet.forget(botId);
    await this.bus.publish([[botChannel(botId), 'update']]);
  }

  /**
   * One statement for every quiet bot: any whose log moved without a wakeup reaching this
   * process (or that got a webhook) reads again, and a poll parked here wakes.
   */
  async auditQuiet(): Promise<void> {
    const waiting = this.quiet.waiting();
    if (waiting.size === 0) return;
    for (const botId of await this.repo.lostWakeups(waiting)) this.quiet.recoverLostWakeup(botId);
  }

  /** Acknowledge everything the bot has not read yet (drop_pending_updates). */
  async dropPending(botId: string): Promise<void> {
    await this.repo.dropPending(botId);
  }

  /** Updates not yet consumed or acknowledged (webhook info, metrics). */
  async pendingCount(botId: string): Promise<number> {
    return this.repo.pendingCount(botId);
  }
}
