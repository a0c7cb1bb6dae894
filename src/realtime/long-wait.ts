// The long-poll loop shared by bot updates and the messenger event feed:
// listen first, then read, then wait — so a wakeup between read and wait is never lost.
import { PRESENCE_PREFIX, publishedAt, type WakeupBus } from './wakeup-bus';

/**
 * What a waiter asks of its abort signal: an AbortSignal, or a parked poll's lighter
 * PollSignal (http/long-poll.ts).
 */
export interface WaitSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: AbortListener): void;
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/** An 'abort' listener object (a waiter): no closure per listener. */
export interface AbortListener {
  handleEvent(): void;
}

export interface LongWaitOptions<T> {
  bus: WakeupBus;
  channel: string;
  read: () => Promise<T[]>;
  timeoutMs: number;
  signal: WaitSignal;
  /**
   * Exclusive waiters (bot getUpdates): announce `~takeover:<id>` on the channel (presence,
   * not news: it leaves the channel's news version alone); a waiter that hears another id's
   * takeover after its own, or `takeover:<who>` from elsewhere (e.g. `webhook`), stops with
   * `onTakenOver`. Redis delivers a channel's messages in one order to every subscriber, so
   * "after its own" means "newer" alike everywhere, and the first read need not wait for the
   * announcement to reach Redis.
   */
  exclusiveId?: string;
  /**
   * Asked once, right after listening starts (so nothing published later is missed): true
   * skips the first read, when the caller knows from the channel's news version that the
   * log held nothing for it when last read and nothing was published since.
   */
  logStillEmpty?: () => boolean;
  /** Called with who took over: another waiter's id, or e.g. `webhook`. */
  onTakenOver?: (by: string) => Error;
  /** Counts waiters while they sleep (a gauge). */
  onPark?: { inc(): void; dec(): void };
  /** A waiter that slept answers a batch a stamped wakeup announced (see `stamped`). */
  onWokenAnswer?: (publishedAtMs: number) => void;
  /**
   * Asked with the first news that reaches a sleeping waiter (after an empty read, or a
   * skipped one): a batch answers without reading again; undefined reads as usual.
   */
  answerFrom?: (message: string) => T[] | undefined;
}

/**
 * Where an outcome goes: an object with methods, so that a parked poll holds no promise,
 * resolve/reject closures or reactions (docs/performance.md).
 */
export interface Settle<V> {
  resolve(value: V): void;
  reject(err: unknown): void;
}

/** Where a wait's batch goes. */
export type WaitSink<T> = Settle<T[]>;

/** Waits as `longWait` does, and hands the outcome to `sink`. */
export function startWait<T>(o: LongWaitOptions<T>, sink: WaitSink<T>): void {
  new Waiter(o, sink).start();
}

/** A promise of what `start` settles its sink with: for callers that do not park a request. */
export function settled<V>(start: (sink: Settle<V>) => void): Promise<V> {
  return new Promise<V>((resolve, reject) => start({ resolve, reject }));
}

export function longWait<T>(o: LongWaitOptions<T>): Promise<T[]> {
  return settled((sink) => startWait(o, sink));
}

/**
 * One parked poll's state, in one object: what a wakeup, an abort or the timer must change
 * lives in fields, and they call its methods (no closures per poll beyond the bus listener).
 * Its loop is driven by callbacks, not an async function: a parked poll holds no suspended
 * frame with its promises (~0.6 KB each).
 */
class Waiter<T> {
  private signalled = false;
  private takenOver: string | undefined;
  /** This waiter's own takeover came back from Redis: any other heard from now on is newer. */
  private announced = false;
  /** When the first wakeup not yet followed by a read was published, if it says. */
  private wokenBy: number | undefined;
  /** `wokenBy` as the current read began: the wakeup its batch answers. */
  private announcedAt: number | undefined;
  private parked = false;
  private timer: NodeJS.Timeout | undefined;
  /** What the news that ended the sleep carried (see `answerFrom`). */
  private carried: T[] | undefined;
  /** Set while asleep: a wake goes on with the loop. */
  private asleep = false;
  private skipRead = false;
  private deadline = 0;
  private stop: (() => void) | undefined;
  private ended = false;
  /** The bus listener: the one function the bus needs, bound once. */
  private readonly listener = (msg: string) => this.onMessage(msg);

  constructor(
    private readonly o: LongWaitOptions<T>,
    private readonly sink: WaitSink<T>,
  ) {}

  start(): void {
    const o = this.o;
    o.bus.listen(o.channel, this.listener).then(
      (stop) => {
        this.stop = stop;
        try {
          this.skipRead = o.logStillEmpty?.() === true;
          o.signal.addEventListener('abort', this);
          // Not awaited: the order of takeovers is the order Redis echoes them (onMessage).
          if (o.exclusiveId) void o.bus.publish([[o.channel, this.ownTakeover()]]);
          this.deadline = Date.now() + o.timeoutMs;
          this.loop();
        } catch (err) {
          this.end(undefined, err);
        }
      },
      (err: unknown) => this.sink.reject(err),
    );
  }

  /** The loop's head: read (or skip the read), then `afterRead`. */
  private loop(): void {
    const o = this.o;
    if (this.takenOver && o.onTakenOver) throw o.onTakenOver(this.takenOver);
    if (o.signal.aborted) return this.end([]); // client gone or shutting down: read nothing more
    this.announcedAt = this.wokenBy;
    if (this.skipRead && !this.signalled) {
      this.skipRead = false;
      return this.afterRead([]);
    }
    this.skipRead = false;
    this.readFresh().then(
      (batch) => this.guarded(() => this.afterRead(batch)),
      (err: unknown) => this.end(undefined, err),
    );
  }

  private afterRead(batch: T[]): void {
    const o = this.o;
    // A batch already read (and maybe consumed) is delivered even if a newer poll took
    // over meanwhile: only a waiter with nothing in hand steps aside.
    if (batch.length > 0) {
      if (this.parked && this.announcedAt !== undefined) o.onWokenAnswer?.(this.announcedAt);
      return this.end(batch);
    }
    if (this.takenOver && o.onTakenOver) throw o.onTakenOver(this.takenOver);
    const left = this.deadline - Date.now();
    if (left <= 0 || o.signal.aborted) return this.end(batch);
    if (this.signalled) return this.afterWake();
    this.parked = true;
    o.onPark?.inc();
    // Until woken or `left` passes; one timer per parked waiter, cleared on wake.
    this.asleep = true;
    this.timer = setTimeout(wakeWaiter, left, this);
  }

  private afterSleep(): void {
    this.o.onPark?.dec();
    this.afterWake();
  }

  private afterWake(): void {
    const o = this.o;
    if (o.signal.aborted) return this.end([]);
    if (this.carried) {
      if (this.wokenBy !== undefined) o.onWokenAnswer?.(this.wokenBy);
      return this.end(this.carried);
    }
    // Subscribed throughout and never signalled: nothing new, so no re-read (timeouts
    // stay off Postgres; docs/performance.md). Not `Date.now() >= deadline`: timers fire
    // early.
    if (!this.signalled && o.bus.watching(o.channel)) return this.end([]);
    this.loop();
  }

  /** Runs a step of the loop; what it throws ends the wait with that error. */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.end(undefined, err);
    }
  }

  /** Stops listening, then settles: with `batch`, or with `err` when batch is undefined. */
  private end(batch: T[] | undefined, err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.asleep = false;
    this.o.signal.removeEventListener('abort', this);
    this.wake();
    this.stop?.();
    if (batch === undefined) this.sink.reject(err);
    else this.sink.resolve(batch);
  }

  private onMessage(msg: string): void {
    const by = takeoverBy(msg);
    if (by !== undefined) {
      if (!this.o.exclusiveId) return;
      if (msg === this.ownTakeover()) {
        this.announced = true;
        return;
      }
      // A waiter's takeover heard before this one's own was published before it: an older
      // poll's, which this one has itself taken over. `takeover:<who>` (no `~`) always counts.
      if (!this.announced && msg.startsWith(TAKEOVER)) return;
      this.takenOver = by;
    } else {
      // Only the first news since the read: with more, the log is read.
      if (this.asleep && !this.signalled) this.carried = this.o.answerFrom?.(msg);
      if (this.wokenBy === undefined && this.o.onWokenAnswer) this.wokenBy = publishedAt(msg);
    }
    this.signalled = true;
    this.wake();
  }

  /** The abort listener (an EventListener object: no closure). */
  handleEvent(): void {
    this.wake();
  }

  private ownTakeover(): string {
    return `${TAKEOVER}${this.o.exclusiveId}`;
  }

  private readFresh(): Promise<T[]> {
    this.signalled = false;
    this.wokenBy = undefined;
    return this.o.read();
  }

  /** Ends the sleep, if asleep: the loop goes on in a microtask, as an awaited wake would. */
  wake(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.asleep) return;
    this.asleep = false;
    queueMicrotask(() => this.guarded(() => this.afterSleep()));
  }
}

const wakeWaiter = (w: { wake(): void }) => w.wake();

const TAKEOVER = `${PRESENCE_PREFIX}takeover:`;

/** Who a takeover message names (a waiter's id, or e.g. `webhook`); undefined for others. */
function takeoverBy(msg: string): string | undefined {
  if (msg.startsWith(TAKEOVER)) return msg.slice(TAKEOVER.length);
  // `takeover:<who>` is news (a webhook was set), and what processes before `~` sent.
  if (msg.startsWith('takeover:')) return msg.slice('takeover:'.length);
  return undefined;
}
