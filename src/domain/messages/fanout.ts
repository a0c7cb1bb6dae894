// Writes a change and everything it makes — bot updates, user events — in ONE statement
// (one round trip, atomic), then wakes the recipients' long-polls through Redis. Several
// writes that must stand or fall together run in one transaction (atomically).
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Sql } from '../../infra/db/prisma';
import { withTransaction, type Queryable } from '../../infra/db/statement';
import { stamped, type WakeupBus } from '../../realtime/wakeup-bus';
import { batchesSplit, fanoutBatchSize, updatesWritten } from '../../infra/metrics';
import type { MediaMeta } from '../media/media-meta';
import type { Logger } from '../../infra/logger';
import type { DeliveryScheduler } from '../webhooks/webhooks.service';
import { writeFanout, type WebhookBot } from './fanout.repository';
import { writeFanoutBatch, type BatchItem, type BatchResult } from './fanout-batch.repository';
import { GroupCommit, type Outcome } from '../../infra/group-commit';
import type { UpdateBody } from '../updates/update';
import type { UpdateRow } from '../updates/update-row';
import { carryingWakeup } from '../updates/carried-update';
import type { UserEvent } from '../events/event';

/** One update for one bot's log. */
export interface UpdateOut {
  botId: string;
  update: UpdateBody;
}

/** One event for one person's feed. */
export interface EventOut {
  userId: string;
  event: UserEvent;
}

export interface NewMessage {
  id: string;
  chatId: string;
  senderId: string;
  content: string;
  payload: unknown;
  replyToId: string | null;
  forwardFrom: string | null;
  createdAt: Date;
  /** Stored with the message, in the same statement (its bytes and its poll never orphan). */
  media?: NewMedia | null;
  poll?: NewPoll | null;
}

/** An attachment as stored: its description plus the bytes. */
export type NewMedia = MediaMeta & { data: Buffer };

export interface NewPoll {
  id: string;
  question: string;
  options: string[];
  isAnonymous: boolean;
  allowsMultipleAnswers: boolean;
}

/** One transaction: `client` for the caller's own statements, `write` for fan-outs. */
export interface FanoutTx {
  client: PoolClient;
  /** Resolves to the message's number within its chat (null without a message). */
  write(
    message: NewMessage | null,
    updates: UpdateOut[],
    events: EventOut[],
  ): Promise<number | null>;
}

/** Where a fan-out goes: on its own (Fanout) or into a transaction (FanoutTx). */
export type FanoutWriter = Pick<FanoutTx, 'write'>;

/** Work checked beforehand that only writes, inside a transaction (see Fanout.atomically). */
export type TxStep<T> = (tx: FanoutTx) => Promise<T>;

/** A TxStep that only fans out, so it may also run on its own (straight on the Fanout). */
export type WriteStep<T> = (out: FanoutWriter) => Promise<T>;

const DEADLOCK = '40P01';

export const botChannel = (botId: string) => `bot:${botId}`;
export const userChannel = (userId: string) => `user:${userId}`;

export class Fanout {
  /** Concurrent plain messages, written together (see writeBatch). */
  private readonly sends = new GroupCommit<BatchItem, number | null>((items) =>
    this.writeBatch(items),
  );

  constructor(
    private readonly sql: Sql,
    private readonly bus: WakeupBus,
    private readonly webhooks: DeliveryScheduler,
    private readonly log: Logger,
  ) {}

  /** Insert `message` (if any) and deliver updates and events, atomically; then wake. */
  async write(
    message: NewMessage | null,
    updates: UpdateOut[],
    events: EventOut[],
  ): Promise<number | null> {
    // A plain message joins the others in flight; media bytes and polls go on their own.
    if (message && !message.media && !message.poll) {
      assertDistinct(
        updates.map((u) => u.botId),
        'bot',
      );
      assertDistinct(
        events.map((e) => e.userId),
        'user',
      );
      return this.sends.submit({ message, updates, events });
    }
    const { wake, messageNumber } = await this.stage(this.sql, message, updates, events);
    await wake();
    return messageNumber;
  }

  /**
   * One statement for the whole batch, then its wakeups in one pipeline; every sender is
   * answered only after that. When the statement fails, each message is written on its own,
   * so that only the one at fault fails (and the others are not held back by it).
   */
  private async writeBatch(items: BatchItem[]): Promise<Outcome<number | null>[]> {
    let results: BatchResult[];
    try {
      results = await writeFanoutBatch(this.sql, items);
    } catch (err) {
      if (items.length === 1 || !refusedByStatement(err)) return items.map(() => refused(err));
      batchesSplit.inc();
      const outcomes: Outcome<number | null>[] = [];
      for (const { message, updates, events } of items) {
        try {
          const { wake, messageNumber } = await this.stage(this.sql, message, updates, events);
          await wake();
          outcomes.push({ ok: true, value: messageNumber });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    }
    fanoutBatchSize.observe(items.length);
    const updates = items.flatMap((i) => i.updates);
    if (updates.length > 0) updatesWritten.inc(updates.length);
    await this.wake(
      updates,
      items.flatMap((i) => i.events),
      results.flatMap((r) => r.webhookBots),
      results.map((r) => r.rows),
    );
    return results.map((r) => ({ ok: true, value: r.messageNumber }));
  }

  /**
   * Runs `fn` in one transaction: its statements and fan-outs commit together or not at all,
   * and the recipients are woken only after COMMIT (a wakeup must never announce a row that
   * a rollback then takes back).
   */
  async atomically<T>(fn: (tx: FanoutTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const wakes: (() => Promise<void>)[] = [];
      try {
        const result = await withTransaction(this.sql, (client) =>
          fn({
            client,
            write: async (message, updates, events) => {
              const { wake, messageNumber } = await this.stage(client, message, updates, events);
              wakes.push(wake);
              return messageNumber;
            },
          }),
        );
        for (const wake of wakes) await wake();
        return result;
      } catch (err) {
        // Several fan-outs lock inbox rows statement by statement, not in one sorted pass,
        // so a concurrent fan-out can deadlock with them; Postgres aborts one: run it again.
        if ((err as { code?: string } | null)?.code !== DEADLOCK || attempt >= 3) throw err;
      }
    }
  }

  /** Writes on `db`; the returned function wakes the recipients once the write is committed. */
  private async stage(
    db: Queryable,
    message: NewMessage | null,
    updates: UpdateOut[],
    events: EventOut[],
  ): Promise<{ wake: () => Promise<void>; messageNumber: number | null }> {
    assertDistinct(
      updates.map((u) => u.botId),
      'bot',
    );
    assertDistinct(
      events.map((e) => e.userId),
      'user',
    );
    const { webhookBots: pushed, messageNumber } = await writeFanout(db, message, updates, events);
    if (updates.length > 0) updatesWritten.inc(updates.length);
    return { wake: () => this.wake(updates, events, pushed), messageNumber };
  }

  /**
   * Bots with a webhook get a delivery job; the rest (long-pollers) and people a wakeup. A
   * bot's wakeup carries its update when `written` holds that bot's only update here.
   */
  private async wake(
    updates: UpdateOut[],
    events: EventOut[],
    pushed: WebhookBot[],
    written: Map<string, UpdateRow>[] = [],
  ) {
    const viaWebhook = new Set(pushed.map((b) => b.botId));
    const update = stamped('update');
    // Not awaited: the answer waits for the commit, never for the queue (Redis may be
    // away; the worker's sweep re-schedules what was not queued).
    if (pushed.length > 0) void this.scheduleWebhookDelivery(pushed);
    // One wakeup per channel; the bus defers what it cannot publish while Redis is away.
    const channels = new Map<string, string>();
    for (const u of updates) {
      if (viaWebhook.has(u.botId)) continue;
      const channel = botChannel(u.botId);
      // A second update for the bot: the wakeup carries neither (a read returns both).
      channels.set(channel, channels.has(channel) ? update : carried(u.botId, written, update));
    }
    const messages = [...channels];
    const people = new Set(events.map((e) => userChannel(e.userId)));
    for (const c of people) messages.push([c, 'event']);
    await this.bus.publish(messages);
  }

  /** Never fails: the update is committed; the worker's sweep re-schedules it. */
  private async scheduleWebhookDelivery(bots: WebhookBot[]): Promise<void> {
    try {
      await this.webhooks.scheduleDelivery(bots);
    } catch (err) {
      // Queue unreachable (Redis down): the worker's sweep re-queues these bots.
      this.log.warn(
        { err: (err as Error).message, bots: bots.map((b) => b.botId) },
        'webhook delivery not queued',
      );
    }
  }
}

/**
 * Postgres refused the statement for its data (a foreign key, a deadlock): worth writing each
 * message alone. Not when it is away or failing as a whole (no answer, connection errors,
 * shutdown, resources): the others would each wait for the same failure in turn.
 */
function refusedByStatement(err: unknown): boolean {
  const e = err as { severity?: unknown; code?: unknown } | null;
  if (typeof e?.severity !== 'string' || typeof e.code !== 'string') return false;
  return !['08', '53', '57', '58', 'XX'].includes(e.code.slice(0, 2));
}

const refused = (error: unknown): Outcome<never> => ({ ok: false, error });

/** The bot's wakeup carrying its written row, if one is known; else `plain`. */
function carried(botId: string, written: Map<string, UpdateRow>[], plain: string): string {
  for (const rows of written) {
    const row = rows.get(botId);
    if (row) return stamped(carryingWakeup(row));
  }
  return plain;
}

/** One inbox row can be bumped once per statement; callers send one item per recipient. */
function assertDistinct(ids: string[], what: string): void {
  if (new Set(ids).size !== ids.length) throw new Error(`fan-out to the same ${what} twice`);
}

export const newMessageId = () => randomUUID();
