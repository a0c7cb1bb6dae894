// The cache audit's step for caches whose entries carry a fingerprint of the rows they were
// read from (bot keys, chat audiences): one read of the current fingerprints of every cached
// id, and what changed or went away without its invalidation reaching this process is dropped.

export interface Fingerprinted {
  /** Cached ids with the fingerprint each was cached with. */
  fingerprints(): Map<string, string>;
  /** Drop `id` unless it was re-cached as `current` meanwhile. */
  evictIfStale(id: string, current: string | undefined): void;
}

export async function dropStale(
  cache: Fingerprinted,
  current: (ids: string[]) => Promise<Map<string, string>>,
): Promise<void> {
  const cached = cache.fingerprints();
  if (cached.size === 0) return;
  const now = await current([...cached.keys()]);
  for (const [id, fingerprint] of cached) {
    if (now.get(id) !== fingerprint) cache.evictIfStale(id, now.get(id));
  }
}
