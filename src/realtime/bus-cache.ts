// An in-process cache of Postgres rows that Redis invalidates: each entry is tagged with the
// ids whose change makes it stale, and a message naming an id on any of the cache's channels
// drops every entry so tagged. Trusted only while the bus is known to deliver every message
// to this process (BotAuthCache's invariant, for entries keyed by more than one id).
import { LRUCache } from 'lru-cache';
import { KeyIndex } from './key-index';
import type { WakeupBus } from './wakeup-bus';

export interface BusCacheLimits {
  maxEntries: number;
  /** Bytes as the caller estimates them, so that large values cannot pile up. */
  maxBytes: number;
  /**
   * Longest an entry is served: the bound on staleness should a message be lost outright.
   * None for a cache whose entries carry fingerprints that an audit checks instead.
   */
  ttlMs?: number;
}

interface Entry<T> {
  value: T;
  tags: string[];
  /** What the row(s) read looked like, for an audit to compare (see fingerprints()). */
  fingerprint: string | undefined;
  generation: number;
  size: number;
}

/** What put() compares with the cache's state when the read's result arrives. */
export interface ReadStamp {
  changes: number;
  generation: number;
  trusted: boolean;
}

export interface CacheCounters {
  hit: { inc(): void };
  miss: { inc(): void };
}

export class BusCache<T> {
  private readonly entries: LRUCache<string, Entry<T>>;
  private readonly keysByTag = new KeyIndex();
  /** Bumped by every message: a read that spans one cannot be cached. */
  private changes = 0;

  constructor(
    private readonly bus: WakeupBus,
    private readonly channels: string[],
    private readonly limits: BusCacheLimits,
    private readonly counters?: CacheCounters,
  ) {
    // No `max`: given one, lru-cache allocates its arrays for that many entries up front
    // (megabytes held by an idle process); put() keeps the count bound instead.
    this.entries = new LRUCache<string, Entry<T>>({
      maxSize: limits.maxBytes,
      ...(limits.ttlMs !== undefined && { ttl: limits.ttlMs }),
      sizeCalculation: (e) => e.size,
      // Evicted, expired, replaced or deleted: the tag index must not keep the key.
      dispose: (e, key) => this.unindex(key, e.tags),
    });
    // At once, not on the first read: entries are trusted only once Redis confirmed each one.
    for (const channel of channels) void bus.listen(channel, (msg) => this.onChange(msg));
  }

  get(key: string): T | undefined {
    const e = this.entries.get(key);
    if (e && e.generation === this.bus.generation && this.trusted()) {
      this.counters?.hit.inc();
      return e.value;
    }
    this.counters?.miss.inc();
    if (e) this.clear();
    return undefined;
  }

  /** Taken before the Postgres read whose result may be cached. */
  stamp(): ReadStamp {
    return { changes: this.changes, generation: this.bus.generation, trusted: this.trusted() };
  }

  /** Keeps `value` unless a message arrived (or the bus dropped) since `before`. */
  put(
    key: string,
    tags: string[],
    value: T,
    bytes: number,
    before: ReadStamp,
    fingerprint?: string,
  ): void {
    const current = before.changes === this.changes && before.generation === this.bus.generation;
    if (!before.trusted || !current) return;
    // Key, tags and the index's entries, beside the value itself.
    const size = Math.max(1, bytes + 256 + tags.length * 128);
    if (this.entries.size >= this.limits.maxEntries && !this.entries.has(key)) this.entries.pop();
    this.entries.set(key, { value, tags, fingerprint, generation: before.generation, size });
    if (!this.entries.has(key)) return; // above the byte cap
    for (const tag of tags) this.keysByTag.add(tag, key);
  }

  /** Entries cached with a fingerprint, by key (for the audit). */
  fingerprints(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, e] of this.entries.entries()) {
      if (e.fingerprint !== undefined) out.set(key, e.fingerprint);
    }
    return out;
  }

  /** Drop `key` unless it was re-cached as `current` (the audit saw it stale or gone). */
  evictIfStale(key: string, current: string | undefined): void {
    if (this.entries.peek(key)?.fingerprint !== current) this.entries.delete(key);
  }

  /**
   * Forget entries tagged `tag` in every cache listening on `channel`: in this process at
   * once, and in every other one before this resolves (WakeupBus.announce).
   */
  async invalidate(channel: string, tag: string): Promise<void> {
    await this.bus.announce([[channel, tag]]);
  }

  /** Entries and their estimated bytes (for tests). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }

  private trusted(): boolean {
    return this.channels.every((c) => this.bus.watching(c));
  }

  private onChange(msg: string): void {
    this.changes++;
    // `reconnected`: the bus resubscribed after a drop, anything may have been missed.
    if (msg === 'reconnected') return this.clear();
    for (const key of this.keysByTag.keysOf(msg)) this.entries.delete(key);
  }

  private unindex(key: string, tags: string[]): void {
    for (const tag of tags) this.keysByTag.remove(tag, key);
  }

  private clear(): void {
    this.entries.clear();
    this.keysByTag.clear();
  }
}
