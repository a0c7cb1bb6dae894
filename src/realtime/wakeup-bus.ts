// Redis pub/sub <-> in-process listeners. One subscriber connection per process; a channel
// is SUBSCRIBEd while at least one local listener wants it, so a parked long-poll costs a
// Set entry, not a connection or a timer.
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/logger';

export type Listener = (message: string) => void;

export class WakeupBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** In-flight SUBSCRIBE per channel, so concurrent listeners share one round trip. */
  private readonly subscribing = new Map<string, Promise<void>>();

  constructor(
    private readonly sub: Redis,
    private readonly pub: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
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
      pending = this.sub.subscribe(channel).then(
        () => undefined,
        (err: Error) => this.log.warn({ err: err.message, channel }, 'subscribe failed'),
      );
      this.subscribing.set(channel, pending);
      void pending.finally(() => this.subscribing.delete(channel));
    }
    if (pending) await withTimeout(pending, waitMs);
    return stop;
  }

  private unlisten(channel: string, fn: Listener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(fn) || set.size > 0) return;
    this.listeners.delete(channel);
    this.sub.unsubscribe(channel).catch(() => {
      // Redis away: ioredis forgets the channel on reconnect only if we unsubscribed, so a
      // stale subscription may linger; it is harmless (messages find no listener).
    });
  }

  /** Publish to many channels in one round trip. Never throws: a lost wakeup only delays. */
  async publish(messages: [name: string, message: string][]): Promise<void> {
    if (messages.length === 0) return;
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

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
