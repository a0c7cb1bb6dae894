// One bot's long-poll as longWait's options and sink: its state in fields, its steps as
// methods, so a parked poll holds one object instead of an options object, closures, their
// contexts and promises (docs/performance.md).
import { randomBytes } from 'node:crypto';
import { parkedPolls, wakeLatency } from '../../infra/metrics';
import type { LongWaitOptions, WaitSignal, WaitSink } from '../../realtime/long-wait';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { appError } from '../errors';
import { botChannel } from '../messages/fanout';
import { carriedRow } from './carried-update';
import { pollKey, type QuietInboxes } from './quiet-inboxes';
import type { PollOptions } from './updates.service';
import type { UpdateRow } from './update-row';

/** What every poll of one UpdatesService shares. */
export interface PollDeps {
  bus: WakeupBus;
  quiet: QuietInboxes;
  read(botId: string, o: PollOptions): Promise<UpdateRow[]>;
  hasWebhook(botId: string): Promise<boolean>;
  /** Hands a consumed batch back to the log (its poll's client went away). */
  unconsume(botId: string, batch: UpdateRow[]): Promise<void>;
}

/** A parked poll answered because of a wakeup published at `publishedAt` (epoch ms). */
const observeWake = (publishedAt: number) =>
  wakeLatency.observe(Math.max(0, Date.now() - publishedAt) / 1000);

/**
 * Waiter ids: unique among this process's polls by the counter, among processes by the
 * random tag. Short and flat: a randomUUID is a tree of ~15 string pieces (~0.5 KB).
 */
const PROCESS_TAG = randomBytes(6).toString('base64url');
let waiters = 0;
const waiterId = () => `${PROCESS_TAG}.${(++waiters).toString(36)}`;

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

/**
 * A bot whose last poll found nothing, with nothing published for it since, parks without a
 * query (see QuietInboxes); a webhook set meanwhile was published too.
 */
export class BotPoll implements LongWaitOptions<UpdateRow>, WaitSink<UpdateRow> {
  readonly channel: string;
  readonly timeoutMs: number;
  readonly exclusiveId = waiterId();
  readonly onPark = parkedPolls;
  readonly onWokenAnswer = observeWake;
  /** Quiet: no webhook was set since the last check either (setting one is news). */
  readonly quietAtStart: boolean;
  /**
   * The reads hand out nothing while a webhook is set, so the webhook is asked about only
   * when the first read comes back empty: a poll with updates waiting is one round trip.
   */
  private webhookUnchecked: boolean;
  private readonly key: string;

  constructor(
    private readonly deps: PollDeps,
    private readonly botId: string,
    private readonly o: PollOptions,
    readonly signal: WaitSignal,
    private readonly sink: WaitSink<UpdateRow>,
  ) {
    this.channel = botChannel(botId);
    this.timeoutMs = o.timeoutS * 1000;
    this.key = pollKey(o.offset, o.types);
    this.quietAtStart = deps.quiet.isQuiet(botId, this.key);
    this.webhookUnchecked = !this.quietAtStart;
  }

  get bus(): WakeupBus {
    return this.deps.bus;
  }

  /** Should news land before the listener is in, check then, before reading. */
  logStillEmpty(): boolean {
    const quiet = this.deps.quiet.isQuiet(this.botId, this.key);
    if (this.quietAtStart && !quiet) this.webhookUnchecked = true;
    return quiet;
  }

  async read(): Promise<UpdateRow[]> {
    const { deps, botId, o } = this;
    const version = deps.bus.newsVersion(this.channel);
    const rows = await deps.read(botId, o);
    if (rows.length === 0 && this.webhookUnchecked) {
      this.webhookUnchecked = false;
      // 409 while a webhook is set: delivery is exclusive.
      if (await deps.hasWebhook(botId)) throw appError('webhook_active');
    }
    if (rows.length > 0) deps.quiet.forget(botId);
    else deps.quiet.remember(botId, this.key, Math.max((o.offset ?? 1) - 1, 0), version);
    return rows;
  }

  /**
   * A consumed batch whose client went away before the answer is handed back to the log, and
   * the poll answers nothing.
   */
  resolve(batch: UpdateRow[]): void {
    const { deps, sink } = this;
    if (!this.signal.aborted || batch.length === 0 || this.o.offset !== undefined) {
      return sink.resolve(batch);
    }
    deps.unconsume(this.botId, batch).then(
      () => sink.resolve([]),
      (err: unknown) => sink.reject(err),
    );
  }

  reject(err: unknown): void {
    this.sink.reject(err);
  }

  onTakenOver(by: string): Error {
    return appError(by === 'webhook' ? 'webhook_active' : 'poll_superseded');
  }

  /**
   * Answering with the carried update also proves the log holds nothing past it as of this
   * news version: the empty read held nothing at or past the offset, and this wakeup is the
   * first news since, so any later update announces itself after it. The bot's next poll
   * (offset one past it) then parks without a read.
   */
  answerFrom(message: string): UpdateRow[] | undefined {
    const next = nextUpdate(message, this.o);
    if (!next) return undefined;
    const id = Number(next.update_id);
    const version = this.deps.bus.newsVersion(this.channel);
    this.deps.quiet.remember(this.botId, pollKey(id + 1, this.o.types), id, version);
    return [next];
  }
}
