// The per-bot update log as bots read it: consume-once batches (no offset) or Telegram-style
// offset acknowledgement, both over a long-poll.
import { z } from 'zod';
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { settled, startWait, type WaitSignal, type WaitSink } from '../../realtime/long-wait';
import { cache } from '../../infra/metrics';
import type { BotRow } from '../users/user-rows';
import { requirePermission } from '../bots/bots.service';
import { botChannel } from '../messages/fanout';
import { BotPoll, type PollDeps } from './bot-poll';
import { QuietInboxes } from './quiet-inboxes';
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

export class UpdatesService {
  private readonly quiet: QuietInboxes;
  private readonly repo: UpdatesRepository;
  private readonly pollDeps: PollDeps;

  constructor(
    sql: Sql,
    private readonly bus: WakeupBus,
  ) {
    this.quiet = new QuietInboxes(bus);
    this.repo = new UpdatesRepository(sql);
    this.pollDeps = {
      bus,
      quiet: this.quiet,
      read: (botId, o) => this.read(botId, o),
      hasWebhook: (botId) => this.repo.hasWebhook(botId),
      unconsume: (botId, batch) => this.unconsume(botId, batch),
    };
  }

  /** One read of the log as the poll's options say (consumed or acknowledged), as rows. */
  read(botId: string, o: PollOptions): Promise<UpdateRow[]> {
    return o.offset === undefined
      ? this.repo.consume(botId, o.limit, o.types ?? null)
      : this.repo.ackAndRead(botId, o.offset, o.limit, o.types ?? null);
  }

  /** park(), as domain records. */
  poll(bot: BotRow, o: PollOptions, signal: WaitSignal): Promise<Update[]> {
    return settled<UpdateRow[]>((sink) => this.park(bot, o, signal, sink)).then((rows) =>
      rows.map(updateFromRow),
    );
  }

  /**
   * Long-poll: at once when updates wait, else park until a wakeup, the timeout or abort;
   * the rows go to `sink` (BotPoll holds the steps). No promise: a parked poll holds no
   * suspended frame and no reaction (docs/performance.md).
   */
  park(bot: BotRow, o: PollOptions, signal: WaitSignal, sink: WaitSink<UpdateRow>): void {
    // Thrown, not handed to the sink: the routes call this synchronously, inside Express.
    requirePermission(bot, 'read_messages');
    const poll = new BotPoll(this.pollDeps, bot.id, o, signal, sink);
    (poll.quietAtStart ? cache.quietInbox.hit : cache.quietInbox.miss).inc();
    startWait(poll, poll);
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
