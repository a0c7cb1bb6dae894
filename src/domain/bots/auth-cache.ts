// Bot API keys → bots, cached in process so a request costs no Postgres round trip for its
// token. Trusted only while Redis is known to deliver every invalidation to this process.
import { LRUCache } from 'lru-cache';
import { KeyIndex } from '../../realtime/key-index';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { cache } from '../../infra/metrics';

/** Carries the id of a bot whose row changed or went away; every api process listens. */
export const BOTS_CHANGED = 'bots:changed';

/**
 * Beyond either bound the least recently used entries go (a bot re-caches on its next
 * request): a count, and bytes as the caller estimates them, so large rows cannot pile up.
 */
export const CACHE_LIMITS = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };

interface Entry<T> {
  value: T;
  botId: string;
  /** md5 of the bot's and its user's rows when cached; the audit compares it. */
  fingerprint: string;
  generation: number;
  /** Estimated bytes held (the value and its bookkeeping). */
  size: number;
}

/** What put() compares with the cache's state when the read's result arrives. */
export interface StateBeforeRead {
  changes: number;
  generation: number;
  trusted: boolean;
}

/**
 * Invariant: an entry is served only if no invalidation can have been missed since it was
 * read from Postgres — the invalidation channel was confirmed before the read, no message
 * arrived during the read, and the subscriber connection has not dropped since.
 */
export class BotAuthCache<T> {
  private readonly byDigest: LRUCache<string, Entry<T>>;
  private readonly digestsByBot = new KeyIndex();
  private changes = 0;

  constructor(
    private readonly bus: WakeupBus,
    private readonly limits = CACHE_LIMITS,
  ) {
    // No `max`: given one, lru-cache allocates its arrays for that many entries up front
    // (3.4 MB for 100,000, held by an idle process); put() keeps the count bound instead.
    this.byDigest = new LRUCache<string, Entry<T>>({
      maxSize: limits.maxBytes,
      sizeCalculation: (e) => e.size,
      // Evicted, replaced or deleted: the per-bot index must not keep the digest.
      dispose: (e, digest) => this.unindex(e.botId, digest),
    });
    // At once, not on the first request: entries are trusted only once Redis confirmed it.
    void bus.listen(BOTS_CHANGED, (msg) => this.onChange(msg));
  }

  get(digest: string): T | undefined {
    const e = this.byDigest.get(digest);
    if (e && e.generation === this.bus.generation && this.bus.watching(BOTS_CHANGED)) {
      cache.botAuth.hit.inc();
      return e.value;
    }
    cache.botAuth.miss.inc();
    if (e) this.clear();
    return undefined;
  }

  /** Taken before the Postgres read whose result may be cached. */
  stateBeforeRead(): StateBeforeRead {
    return {
      changes: this.changes,
      generation: this.bus.generation,
      trusted: this.bus.watching(BOTS_CHANGED),
    };
  }

  /** `bytes`: the caller's estimate of `value`'s size; an entry above the byte cap is not kept. */
  put(
    digest: string,
    botId: string,
    fingerprint: string,
    value: T,
    bytes: number,
    before: StateBeforeRead,
  ): void {
    const current = before.changes === this.changes && before.generation === this.bus.generation;
    if (!before.trusted || !current) return;
    // Key, fingerprint and the two maps' entries, beside the value itself.
    const size = Math.max(1, bytes + 512);
    if (this.byDigest.size >= this.limits.maxEntries && !this.byDigest.has(digest)) {
      this.byDigest.pop();
    }
    this.byDigest.set(digest, { value, botId, fingerprint, generation: before.generation, size });
    if (!this.byDigest.has(digest)) return;
    this.digestsByBot.add(botId, digest);
  }

  /**
   * Forget a bot in every cache listening on BOTS_CHANGED (chat audiences hold bots too): in
   * this process at once, and in every other one before this resolves (WakeupBus.announce).
   */
  async invalidate(botId: string): Promise<void> {
    await this.bus.announce([[BOTS_CHANGED, botId]]);
  }

  /** Cached bots with the fingerprint each was cached with (for the audit). */
  fingerprints(): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of this.byDigest.values()) out.set(e.botId, e.fingerprint);
    return out;
  }

  /** Drop a bot unless it was re-cached after `fingerprint` (the audit saw a stale one). */
  evictIfStale(botId: string, current: string | undefined): void {
    for (const digest of this.digestsByBot.keysOf(botId)) {
      if (this.byDigest.peek(digest)?.fingerprint !== current) this.evictDigest(digest);
    }
  }

  private onChange(msg: string): void {
    this.changes++;
    // `reconnected`: the bus resubscribed after a drop, anything may have been missed.
    if (msg === 'reconnected') return this.clear();
    for (const digest of this.digestsByBot.keysOf(msg)) this.evictDigest(digest);
  }

  /** Entries and their estimated bytes (for tests and the audit's log). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.byDigest.size, bytes: this.byDigest.calculatedSize };
  }

  private evictDigest(digest: string): void {
    this.byDigest.delete(digest);
  }

  private unindex(botId: string, digest: string): void {
    this.digestsByBot.remove(botId, digest);
  }

  private clear(): void {
    this.byDigest.clear();
    this.digestsByBot.clear();
  }
}
