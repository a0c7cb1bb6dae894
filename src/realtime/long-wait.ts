// The long-poll loop shared by bot updates and the messenger event feed:
// listen first, then read, then wait — so a wakeup between read and wait is never lost.
import { PRESENCE_PREFIX, publishedAt, type WakeupBus } from './wakeup-bus';

export interface LongWaitOptions<T> {
  bus: WakeupBus;
  channel: string;
  read: () => Promise<T[]>;
  timeoutMs: number;
  signal: AbortSignal;
  /**
   * Exclusive waiters (bot getUpdates): announce `~takeover:<id>` on the channel (presence,
   * not news: it leaves the channel's news version alone); a waiter that hears another id's
   * takeover, or `takeover:<who>` from elsewhere (e.g. `webhook`), stops with `onTakenOver`.
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
}

export async function longWait<T>(o: LongWaitOptions<T>): Promise<T[]> {
  let signalled = false;
  let takenOver: string | undefined;
  let wake: (() => void) | undefined;
  /** When the first wakeup not yet followed by a read was published, if it says. */
  let wokenBy: number | undefined;
  let parked = false;
  const ownTakeover = `${TAKEOVER}${o.exclusiveId}`;
  const onMessage = (msg: string) => {
    const by = takeoverBy(msg);
    if (by !== undefined) {
      if (!o.exclusiveId || msg === ownTakeover) return;
      takenOver = by;
    } else if (wokenBy === undefined && o.onWokenAnswer) {
      wokenBy = publishedAt(msg);
    }
    signalled = true;
    wake?.();
  };
  const stop = await o.bus.listen(o.channel, onMessage);
  let skipRead = o.logStillEmpty?.() === true;
  const onAbort = () => wake?.();
  o.signal.addEventListener('abort', onAbort);
  try {
    if (o.exclusiveId) await o.bus.publish([[o.channel, ownTakeover]]);
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      if (takenOver && o.onTakenOver) throw o.onTakenOver(takenOver);
      if (o.signal.aborted) return []; // client gone or shutting down: read nothing more
      const announcedAt = wokenBy;
      const batch: T[] = skipRead && !signalled ? [] : await readFresh();
      skipRead = false;
      // A batch already read (and maybe consumed) is delivered even if a newer poll took
      // over meanwhile: only a waiter with nothing in hand steps aside.
      if (batch.length > 0) {
        if (parked && announcedAt !== undefined) o.onWokenAnswer?.(announcedAt);
        return batch;
      }
      if (takenOver && o.onTakenOver) throw o.onTakenOver(takenOver);
      const left = deadline - Date.now();
      if (left <= 0 || o.signal.aborted) return batch;
      if (!signalled) {
        parked = true;
        o.onPark?.inc();
        await sleepUntilWoken(left, (fn) => (wake = fn));
        o.onPark?.dec();
      }
      wake = undefined;
      if (o.signal.aborted) return [];
      // Subscribed throughout and never signalled: nothing new, so no re-read (timeouts stay
      // off Postgres; docs/performance.md). Not `Date.now() >= deadline`: timers fire early.
      if (!signalled && o.bus.watching(o.channel)) return [];
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    stop();
  }

  function readFresh(): Promise<T[]> {
    signalled = false;
    wokenBy = undefined;
    return o.read();
  }
}

const TAKEOVER = `${PRESENCE_PREFIX}takeover:`;

/** Who a takeover message names (a waiter's id, or e.g. `webhook`); undefined for others. */
function takeoverBy(msg: string): string | undefined {
  if (msg.startsWith(TAKEOVER)) return msg.slice(TAKEOVER.length);
  // `takeover:<who>` is news (a webhook was set), and what processes before `~` sent.
  if (msg.startsWith('takeover:')) return msg.slice('takeover:'.length);
  return undefined;
}

/** Resolves on wake or after `ms`; one timer per parked waiter, cleared on wake. */
function sleepUntilWoken(ms: number, setWake: (fn: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    setWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
