// Redis pub/sub <-> in-process listeners. One subscriber connection per process; a channel
// is SUBSCRIBEd while at least one local listener wants it, so a parked long-poll costs a
// Set entry, not a connection or a timer.
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/logger';

export type Listener = (message: string) => void;

/** Channels per SUBSCRIBE when resubscribing after a reconnect. */
const RESUBSCRIBE_BATCH = 1000;

export class WakeupBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** In-flight SUBSCRIBE per channel, so concurrent listeners share one round trip. */
  private readonly subscribing = new Map<string, Promise<void>>();
  /** Bumped whenever the subscriber connection drops: messages may have been missed. */
  private generation = 0;
  /** Channels whose SUBSCRIBE Redis confirmed, with the generation it happened in. */
  private readonly confirmed = new Map<string, number>();

  constructor(
    private readonly sub: Redis,
    private readonly pub: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    sub.on('ready', () => this.resume());
    sub.on('close', () => {
      this.generation++;
    });
  }

  /**
   * Whether every message published on `name` since its SUBSCRIBE was confirmed has
   * reached this process: confirmed, and the connection has not dropped since. Waiters use
   * it to skip a needless re-read of the log when they time out.
   */
  watching(name: string): boolean {
    const channel = this.prefix + name;
    return this.confirmed.get(channel) === this.generation && this.sub.status === 'ready';
  }

  /**
   * After a reconnect: ioredis restores only the subscriptions Redis had confirmed, so a
   * listener that arrived while Redis was away would get no wakeup until it re-listens.
   * SUBSCRIBE every channel a local listener wants, then wake each listener once: wakeups
   * published while Redis was away are lost, and the re-read finds what they announced.
   */
  private resume(): void {
    const channels = [...this.listeners.keys()];
    for (let i = 0; i < channels.length; i += RESUBSCRIBE_BATCH) {
      const batch = channels.slice(i, i + RESUBSCRIBE_BATCH);
      this.sub.subscribe(...batch).then(
        () => batch.forEach((channel) => this.dispatch(channel, 'reconnected')),
        (err: Error) => this.log.warn({ err: err.message }, 'resubscribe failed'),
      );
    }
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    for (const fn of [...set]) fn(message);
  }

  /**
   * Listen on a channel. Resolves once Redis confirms the subscription (so a publish after
   * this returns is seen), or after `waitMs` if Redis is away — the caller then still works,
   * only without wakeups until Redis is back (ioredis resubscribes on reconnect).
   */
  async listen(name: string, fn: Listener, waitMs = 1000): Promise<() => void> {
    const channel = this.prefix + name;
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(fn);
    const stop = () => this.unlisten(channel, fn);
    let pending = this.subscribing.get(channel);
    if (!pending && set.size === 1) {
      const generation = this.generation;
      pending = this.sub.subscribe(channel).then(
        () => {
          if (generation === this.generation) this.confirmed.set(channel, generation);
        },
        (err: Error) => this.log.warn({ err: err.message, channel }, 'subscribe failed'),
      );
      this.subscribing.set(channel, pending);
      void pending.finally(() => this.subscribing.delete(channel));
    }
    // While the connection is known to be down, waiting for the confirmation only delays
    // the caller (up to waitMs per poll): the SUBSCRIBE waits in ioredis' offline queue.
    if (pending && !isOffline(this.sub)) await withTimeout(pending, waitMs);
    return stop;
  }

  private unlisten(channel: string, fn: Listener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(fn) || set.size > 0) return;
    this.listeners.delete(channel);
    this.confirmed.delete(channel);
    this.sub.unsubscribe(channel).catch(() => {
      // Redis away: ioredis forgets the channel on reconnect only if we unsubscribed, so a
      // stale subscription may linger; it is harmless (messages find no listener).
    });
  }

  /** Publish to many channels in one round trip. Never throws: a lost wakeup only delays. */
  async publish(messages: [name: string, message: string][]): Promise<void> {
    if (messages.length === 0) return;
    // Redis known to be away: skip rather than hold the caller (a message POST) for the
    // offline queue's reconnect attempts, ~1-2 s each. Parked polls re-read on reconnect.
    if (isOffline(this.pub)) return;
    try {
      const p = this.pub.pipeline();
      for (const [name, message] of messages) p.publish(this.prefix + name, message);
      await p.exec();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'publish failed');
    }
  }

  /** Listener count (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

/** Lost after having connected (ioredis is between reconnect attempts, or closed). */
function isOffline(conn: Redis): boolean {
  return conn.status === 'reconnecting' || conn.status === 'close' || conn.status === 'end';
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
