/** Nearest-rank percentile of a sample (ms). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p90: round(percentile(s, 90)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN),
  };
}

/**
 * Resolves once no poll has re-polled for `quietMs` (at most `maxMs` later): samples taken
 * there are woken among 10,000 parked polls, not queued behind a wave of them re-polling
 * after their timeouts (parked together, they time out together). `repolls` is appended to.
 */
export async function lull(repolls: number[], quietMs = 2000, maxMs = 60_000): Promise<void> {
  const end = performance.now() + maxMs;
  while (performance.now() < end) {
    const last = repolls[repolls.length - 1] ?? -Infinity;
    const left = last + quietMs - performance.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, left));
  }
}
