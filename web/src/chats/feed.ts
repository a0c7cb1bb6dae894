// The event feed: one long-poll loop on GET /events for the whole console, resumed after
// errors with a growing pause. The chat list and the open chat subscribe to it.
import { api } from '../api';
import type { FeedEvent } from '../types';

type Listener = (e: FeedEvent) => void;
const listeners = new Set<Listener>();

export function onFeed(l: Listener): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}

interface FeedPage {
  events: FeedEvent[];
  cursor: string;
}

/**
 * Skips what already happened (the screens load the current state themselves), then
 * long-polls until `signal` aborts. `onReady` runs once the cursor is current.
 */
export async function runFeed(signal: AbortSignal, onReady: () => void): Promise<void> {
  let cursor = '0';
  let pause = 500;
  let ready = false;
  while (!signal.aborted) {
    try {
      const timeout = ready ? 25 : 0;
      const page = await api<FeedPage>(
        'GET',
        `/api/v1/events?after=${cursor}&timeout=${timeout}`,
        undefined,
        { signal },
      );
      cursor = page.cursor;
      pause = 500;
      if (!ready) {
        if (page.events.length === 0) {
          ready = true;
          onReady();
        }
        continue;
      }
      for (const e of page.events) for (const l of listeners) deliver(l, e);
    } catch {
      if (signal.aborted) return;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 15_000);
    }
  }
}

/** One screen's mistake must not stop the others hearing the event. */
function deliver(l: Listener, e: FeedEvent): void {
  try {
    l(e);
  } catch (err) {
    console.error(err);
  }
}
