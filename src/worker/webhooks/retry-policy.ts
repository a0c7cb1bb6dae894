// When to try a failing endpoint again, and when to give up on an update.

const JITTER = 0.2;
/** Retry-After is honoured up to this; beyond it the endpoint is effectively asking us to stop. */
const MAX_RETRY_AFTER_S = 24 * 3600;

/** Delay before retry number `failures` (1-based), or null when the schedule is spent. */
export function retryDelayMs(
  schedule: number[],
  failures: number,
  retryAfterS?: number,
  random = Math.random,
): number | null {
  if (failures > schedule.length) return null;
  if (retryAfterS !== undefined && retryAfterS >= 0) {
    return Math.min(retryAfterS, MAX_RETRY_AFTER_S) * 1000;
  }
  const base = schedule[failures - 1]! * 1000;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** Retry-After as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export type Outcome = 'delivered' | 'gone' | 'retry' | 'give_up';

/** 2xx delivers; 410 removes the webhook; anything else (3xx included) is a failure. */
export function classify(
  status: number | undefined,
  failures: number,
  schedule: number[],
): Outcome {
  if (status !== undefined && status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return failures > schedule.length ? 'give_up' : 'retry';
}
