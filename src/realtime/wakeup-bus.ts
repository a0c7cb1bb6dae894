// Redis pub/sub <-> in-process listeners. One subscriber connection per process; a channel
// is SUBSCRIBEd while at least one local listener wants it (and a little after, see LINGER_MS),
// so a parked long-poll costs a Set entry, not a connection or a timer. On a Redis Cluster the
// bus uses sharded pub/sub (SSUBSCRIBE/SPUBLISH): a channel lives on its slot's master only.
// News is heard in the publishing process at once, and its echo from Redis is dropped.
import type { Redis } from '../infra/redis';
import type { Logger } from '../infra/logger';

export type Listener = (message: string) => void;

/** Channels per SUBSCRIBE when resubscribing after a reconnect. */
const RESUBSCRIBE_BATCH = 1000;

/**
 * How long a channel stays subscribed after its last listener left. A bot re-polls right
 * after each answer; keeping its channel lets the next poll know nothing was published in
 * between (see `newsVersion`) instead of asking Postgres again.
 */
const LINGER_MS = 30_000;

/** Wakeups published while Redis was away, kept to publish on reconnect (newest kept). */
const MAX_DEFERRED = 10_000;

/**
 * How long an echo of this process's own news is waited for before it is forgotten (and then
 * heard again, a spurious wake): it takes a round trip, and an expected echo that never comes
 * must not hide an identical message from another process for long.
 */
const ECHO_WAIT_MS = 5_000;

/** Longest `announce` holds its caller past the PUBLISH for Redis's word that it went out. */
const ANNOUNCE_WAIT_MS = 250;

/** Own news on one channel whose echo may be pending at most (oldest forgotten first). */
const MAX_ECHOES = 1_000;

/** Own news already heard here, expected back from Redis (see `expectEcho`). */
interface Echo {
  channel: string;
  message: string;
  at: number;
}

/**
 * Messages starting with `~` announce a listener (e.g. a long-poll taking over) rather than
 * news: they wake listeners but leave the channel's news version alone, and are never re-sent late.
 */
export const PRESENCE_PREFIX = '~';

/**
 * Separates a message's kind from details it carries (e.g. the update a wakeup announces).
 * Details are dropped when a message is deferred: it is published late, once per kind.
 */
export const DETAIL = '\x1f';

/** News that says when it was published, so a woken waiter can time the wake (`update@ms`). */
export const stamped = (message: string) => `${message}@${Date.now()}`;

/** The publish time (epoch ms) a stamped message carries; undefined for others. */
export function publishedAt(message: string): number | undefined {
  const at = message.lastIndexOf('@');
  if (at < 0) return undefined;
  const ms = Number(message.slice(at + 1));
  return Number.isFinite(ms) ? ms : undefined;
}

/** A message without its stamp: repeats of one wakeup are one wakeup. */
const unstamped = (message: string) => {
  const at = message.lastIndexOf('@');
  return at < 0 ? message : message.slice(0, at);
};

/** A message without its details (keeps its stamp). */
function withoutDetails(message: string): string {
  const cut = message.indexOf(DETAIL);
  if (cut < 0) return message;
  const at = message.lastIndexOf('@');
  const stamp = at > cut && /^\d+$/.test(message.slice(at + 1)) ? message.slice(at) : '';
  return message.slice(0, cut) + stamp;
}

export class WakeupBus {
  /**
   * Per channel its listener, or a Set when there are several: most channels have one (a
   * bot's one poll), and a Set costs ~130 B more per parked poll (docs/performance.md).
   */
  private readonly listeners = new Map<string, Listener | Set<Listener>>();
  /** In-flight SUBSCRIBE per channel, so concurrent listeners share one round trip. */
  private readonly subscribing = new Map<string, Promise<void>>();
  /** Bumped whenever the subscriber connection drops: messages may have been missed. */
  private gen = 0;
  /** Channels whose SUBSCRIBE Redis confirmed, with the generation it happened in. */
  private readonly confirmed = new Map<string, number>();
  /**
   * Per confirmed channel, a number drawn from `lastVersion` on each confirmation and each
   * news message: never reused, so a version cannot repeat after an unsubscribe and resubscribe.
   */
  private readonly versions = new Map<string, number>();
  private lastVersion = 0;
  /** Channels without listeners, still subscribed, with when their last listener left. */
  private readonly lingering = new Map<string, number>();
  /** Keyed by channel and message: a repeat of the same wakeup is sent once. */
  private readonly deferred = new Map<string, [name: string, message: string]>();
  /** Per channel, in publish order: own news heard here whose echo from Redis is to be dropped. */
  private readonly echoes = new Map<string, Echo[]>();
  private readonly sweeper: NodeJS.Timeout;
  /** Cluster mode: sharded pub/sub, one channel per command (channels hash to many slots). */
  private readonly sharded: boolean;
  /** A shard subscriber was lost since the sharded subscribers were last ready. */
  private shardLost = false;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sub: Redis,
    private readonly pub: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.sharded = sub.isCluster;
    const onMessage = (channel: string, message: string) => this.fromRedis(channel, message);
    sub.on(this.sharded ? 'smessage' : 'message', onMessage);
    // Only after a drop: on the first connect, listeners' SUBSCRIBEs are still queued.
    sub.on('ready', () => {
      if (this.gen > 0) this.resume();
    });
    if (this.sharded) this.followShards(sub);
    sub.on('close', () => this.dropped());
    pub.on('ready', () => void this.flushDeferred());
    this.sweeper = setInterval(() => this.sweep(), LINGER_MS / 2).unref();
  }

  /**
   * A master lost (failover) drops only its shard's subscriber, and the cluster connection stays
   * "ready": count the loss as a drop, and once ioredis has re-homed the subscribers on the new
   * masters, subscribe again and wake every listener to re-read what it may have missed.
   */
  private followShards(sub: Redis): void {
    const lost = () => {
      this.dropped();
      this.shardLost = true;
    };
    for (const event of ['-node', '-subscriber', 'nodeError']) sub.on(event, lost);
    sub.on('subscribersReady', () => {
      if (!this.shardLost) return;
      this.shardLost = false;
      this.dropped();
      this.resume();
    });
  }

  /** Messages may have been missed: and echoes expected may never come. */
  private dropped(): void {
    this.gen++;
    this.echoes.clear();
  }

  /** Changes whenever this process may have missed a message on any channel. */
  get generation(): number {
    return this.gen;
  }

  /**
   * Whether every message published on `name` since its SUBSCRIBE was confirmed has
   * reached this process: confirmed, and the connection has not dropped since. Waiters use
   * it to skip a needless re-read of the log when they time out.
   */
  watching(name: string): boolean {
    const channel = this.prefix + name;
    return this.confirmed.get(channel) === this.gen && this.sub.status === 'ready';
  }

  /**
   * Changes with every news message on `name`; undefined when not watched. Equal versions at
   * two moments prove nothing was published on the channel in between (a reader may then
   * trust what it read at the first moment).
   */
  newsVersion(name: string): string | undefined {
    if (!this.watching(name)) return undefined;
    return `${this.gen}:${this.versions.get(this.prefix + name)}`;
  }

  /** Deliver `message` to this process's listeners on `name` only (a news version too). */
  wakeLocal(name: string, message: string): void {
    this.dispatch(this.prefix + name, message);
  }

  /**
   * After a reconnect: ioredis restores only the subscriptions Redis had confirmed, so a
   * listener that arrived while Redis was away would get no wakeup until it re-listens.
   * SUBSCRIBE every channel a local listener wants, then wake each listener once: wakeups
   * published while Redis was away are lost, and the re-read finds what they announced.
   */
  private resume(): void {
    const channels = [...this.listeners.keys()];
    const generation = this.gen;
    const step = this.sharded ? 1 : RESUBSCRIBE_BATCH;
    for (let i = 0; i < channels.length; i += step) {
      const batch = channels.slice(i, i + step);
      this.subscribeCommand(batch).then(
        () => {
          for (const channel of batch) {
            if (generation === this.gen) this.confirm(channel);
            this.dispatch(channel, 'reconnected');
          }
        },
        (err: Error) => this.log.warn({ err: err.message }, 'resubscribe failed'),
      );
    }
  }

  /** A message from Redis: dropped if it is the echo of own news already heard here. */
  private fromRedis(channel: string, message: string): void {
    const pending = this.echoes.get(channel);
    if (pending) {
      const echo = isEcho(pending, message);
      if (pending.length === 0) this.echoes.delete(channel);
      if (echo) return;
    }
    this.dispatch(channel, message);
  }

  private dispatch(channel: string, message: string): void {
    if (!message.startsWith(PRESENCE_PREFIX) && this.confirmed.has(channel)) {
      this.versions.set(channel, ++this.lastVersion);
    }
    const entry = this.listeners.get(channel);
    if (typeof entry === 'function') entry(message);
    else if (entry) for (const fn of [...entry]) fn(message);
  }

  /**
   * Listen on a channel. Resolves once Redis confirms the subscription (so a publish after
   * this returns is seen), or after `waitMs` if Redis is away — the caller then still works,
   * only without wakeups until Redis is back (ioredis resubscribes on reconnect).
   */
  async listen(name: string, fn: Listener, waitMs = 1000): Promise<() => void> {
    const channel = this.prefix + name;
    const entry = this.listeners.get(channel);
    if (!entry) {
      this.listeners.set(channel, fn);
      this.lingering.delete(channel);
    } else if (typeof entry !== 'function') entry.add(fn);
    else if (entry !== fn) this.listeners.set(channel, new Set([entry, fn]));
    const stop = () => this.unlisten(channel, fn);
    let pending = this.subscribing.get(channel);
    if (!pending && this.confirmed.get(channel) !== this.gen) {
      pending = this.subscribe(channel);
    }
    // While the connection is known to be down, waiting for the confirmation only delays
    // the caller (up to waitMs per poll): the SUBSCRIBE waits in ioredis' offline queue.
    if (pending && !isOffline(this.sub)) await withTimeout(pending, waitMs);
    return stop;
  }

  private subscribe(channel: string): Promise<void> {
    const generation = this.gen;
    const pending = this.subscribeCommand([channel]).then(
      () => {
        if (generation === this.gen) this.confirm(channel);
      },
      (err: Error) => this.log.warn({ err: err.message, channel }, 'subscribe failed'),
    );
    this.subscribing.set(channel, pending);
    void pending.finally(() => this.subscribing.delete(channel));
    return pending;
  }

  private subscribeCommand(channels: string[]): Promise<unknown> {
    return this.sharded ? this.sub.ssubscribe(...channels) : this.sub.subscribe(...channels);
  }

  private confirm(channel: string): void {
    this.confirmed.set(channel, this.gen);
    this.versions.set(channel, ++this.lastVersion);
  }

  private unlisten(channel: string, fn: Listener): void {
    const entry = this.listeners.get(channel);
    const emptied = entry === fn || (entry instanceof Set && entry.delete(fn) && entry.size === 0);
    if (!emptied) return;
    this.listeners.delete(channel);
    this.lingering.set(channel, Date.now());
  }

  /** UNSUBSCRIBE channels that have lingered long enough without a listener. */
  private sweep(): void {
    // Echoes are otherwise forgotten only when their channel hears something.
    for (const [channel, pending] of this.echoes) {
      forgetStale(pending);
      if (pending.length === 0) this.echoes.delete(channel);
    }
    const before = Date.now() - LINGER_MS;
    const stale: string[] = [];
    for (const [channel, since] of this.lingering) {
      if (since > before) continue;
      stale.push(channel);
      this.lingering.delete(channel);
      this.confirmed.delete(channel);
      this.versions.delete(channel);
      this.echoes.delete(channel);
    }
    const step = this.sharded ? 1 : RESUBSCRIBE_BATCH;
    for (let i = 0; i < stale.length; i += step) {
      const batch = stale.slice(i, i + step);
      // Redis away: the stale subscription lingers, harmless (no listener), until a drop.
      (this.sharded ? this.sub.sunsubscribe(...batch) : this.sub.unsubscribe(...batch)).catch(
        (err: Error) => this.log.warn({ err: err.message }, 'unsubscribe failed'),
      );
    }
  }

  /**
   * Publish to many channels in one round trip. Never throws: a lost wakeup only delays.
   * This process's listeners hear news at once, not a Redis round trip later (the caller
   * publishes after its COMMIT), and the echo is dropped: a poll woken and parked again is not
   * woken twice. Presence goes through Redis only, which orders it alike for every process.
   * News published while Redis is away is sent once it is back (presence is dropped).
   */
  async publish(messages: [name: string, message: string][]): Promise<void> {
    if (messages.length === 0) return;
    // Redis known to be away: skip rather than hold the caller (a message POST) for the
    // offline queue's reconnect attempts, ~1-2 s each.
    if (isOffline(this.pub)) {
      this.hearHere(messages);
      return this.defer(messages);
    }
    const echoes = messages.map(([name, message]) => this.expectEcho(name, message));
    const sent = this.sharded
      ? this.publishSharded(messages, echoes)
      : this.publishPipeline(messages, echoes);
    // After the PUBLISHes are written (synchronously): other processes are not held back.
    this.hearHere(messages);
    await sent;
  }

  /**
   * Publish news that must hold everywhere once its caller answers (a logout, a membership or
   * key change), and resolve once Redis has written it to every subscriber's connection. Redis
   * answers the PUBLISH before writing the subscribers' copies, and a later command on the same
   * connection only after; one more turn of the event loop lets other connections of this
   * process read theirs (epoll may report the connection that just answered first).
   */
  async announce(messages: [name: string, message: string][]): Promise<void> {
    const offline = isOffline(this.pub);
    await this.publish(messages);
    if (offline || messages.length === 0) return;
    // The key of the channel's name: on a cluster, the node its SPUBLISH went to.
    // Redis lost meanwhile: the news waits in `deferred` (withTimeout takes the rejection).
    const written = this.pub
      .exists(this.prefix + messages[messages.length - 1]![0])
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    await withTimeout(written, ANNOUNCE_WAIT_MS);
  }

  private async publishPipeline(
    messages: [name: string, message: string][],
    echoes: (Echo | undefined)[],
  ): Promise<void> {
    try {
      const p = this.pub.pipeline();
      for (const [name, message] of messages) p.publish(this.prefix + name, message);
      await p.exec();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'publish failed');
      for (const echo of echoes) this.forgetEcho(echo);
      this.defer(messages);
    }
  }

  /**
   * Own news comes back from Redis only if the channel's SUBSCRIBE was confirmed before the
   * PUBLISH and the connection does not drop (a drop forgets every expected echo).
   */
  private expectEcho(name: string, message: string): Echo | undefined {
    if (message.startsWith(PRESENCE_PREFIX) || !this.watching(name)) return undefined;
    const channel = this.prefix + name;
    const echo = { channel, message, at: Date.now() };
    const pending = this.echoes.get(channel);
    if (!pending) this.echoes.set(channel, [echo]);
    else if (pending.push(echo) > MAX_ECHOES) pending.shift();
    return echo;
  }

  /** A PUBLISH that failed: its echo will not come. */
  private forgetEcho(echo: Echo | undefined): void {
    const pending = echo && this.echoes.get(echo.channel);
    const at = pending?.indexOf(echo!) ?? -1;
    if (at < 0) return;
    pending!.splice(at, 1);
    if (pending!.length === 0) this.echoes.delete(echo!.channel);
  }

  /** News to this process's own listeners (and news versions), as if Redis had sent it. */
  private hearHere(messages: [name: string, message: string][]): void {
    for (const [name, message] of messages) {
      if (message.startsWith(PRESENCE_PREFIX)) continue;
      try {
        this.dispatch(this.prefix + name, message);
      } catch (err) {
        // A listener's fault must not fail a publish (its caller's write is committed).
        this.log.error({ err: (err as Error).message }, 'wakeup listener failed');
      }
    }
  }

  /** A cluster pipeline must stay in one slot: one SPUBLISH each, sent together. */
  private async publishSharded(
    messages: [name: string, message: string][],
    echoes: (Echo | undefined)[],
  ): Promise<void> {
    const failed: [string, string][] = [];
    let error: string | undefined;
    await Promise.all(
      messages.map(([name, message], i) =>
        this.pub.spublish(this.prefix + name, message).catch((err: Error) => {
          error = err.message;
          failed.push([name, message]);
          this.forgetEcho(echoes[i]);
        }),
      ),
    );
    if (failed.length === 0) return;
    this.log.warn({ err: error, failed: failed.length }, 'publish failed');
    this.defer(failed);
    // A failover leaves the cluster connection "ready" (no event to flush on): retry soon.
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushDeferred();
    }, 500).unref();
  }

  private defer(messages: [name: string, message: string][]): void {
    for (const [name, detailed] of messages) {
      if (detailed.startsWith(PRESENCE_PREFIX)) continue;
      const message = withoutDetails(detailed);
      const key = `${name}\n${unstamped(message)}`;
      this.deferred.delete(key); // re-insert: Map order is age order
      this.deferred.set(key, [name, message]);
      if (this.deferred.size > MAX_DEFERRED) {
        this.deferred.delete(this.deferred.keys().next().value!);
      }
    }
  }

  private async flushDeferred(): Promise<void> {
    if (this.deferred.size === 0) return;
    const messages = [...this.deferred.values()];
    this.deferred.clear();
    await this.publish(messages);
  }

  /** Stop background work (the linger sweep); the connections are closed by their owner. */
  close(): void {
    clearInterval(this.sweeper);
    clearTimeout(this.flushTimer);
  }

  /** Listener count (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const entry of this.listeners.values()) n += typeof entry === 'function' ? 1 : entry.size;
    return n;
  }
}

/** Drops the echoes waited for too long (oldest first: they are in publish order). */
function forgetStale(pending: Echo[]): void {
  const stale = Date.now() - ECHO_WAIT_MS;
  while (pending.length > 0 && pending[0]!.at < stale) pending.shift();
}

/**
 * Whether `message` is the oldest own news still expected on its channel. Redis sends one
 * publisher's messages on a channel in publish order.
 */
function isEcho(pending: Echo[], message: string): boolean {
  forgetStale(pending);
  if (pending[0]?.message !== message) return false;
  pending.shift();
  return true;
}

/** Lost after having connected (ioredis is between reconnect attempts, or closed). */
function isOffline(conn: Redis): boolean {
  return conn.status === 'reconnecting' || conn.status === 'close' || conn.status === 'end';
}

/** Resolves when `p` settles either way, or after `ms`: never rejects. */
function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(t);
      resolve();
    };
    p.then(done, done);
  });
}
