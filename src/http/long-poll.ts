import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { AbortListener, WaitSignal } from '../realtime/long-wait';

/**
 * A parked poll's abort signal: aborted when its client goes away or the process shuts
 * down. Not an AbortController: Node gives each AbortSignal a hidden class of its own (it
 * re-prototypes an EventTarget) and two maps of listeners, ~1.2 KB per parked poll
 * (docs/performance.md). Its one listener is the poll's waiter.
 */
export class PollSignal implements WaitSignal {
  aborted = false;
  private listeners: AbortListener[] | undefined;

  constructor(private readonly polls: Set<PollSignal>) {
    polls.add(this);
  }

  addEventListener(_type: 'abort', listener: AbortListener): void {
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  abort(): void {
    this.polls.delete(this);
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const l of listeners ?? []) l.handleEvent();
  }

  /** The response closed: a poll that did not finish lost its client. */
  closed(finished: boolean): void {
    if (finished) this.polls.delete(this);
    else this.abort();
  }
}

/**
 * Per shutdown signal, the polls in flight: one 'abort' listener on the shutdown signal
 * fans out to all of them (AbortSignal.any costs ~3 KB per parked poll; docs/performance.md).
 */
const inFlight = new WeakMap<AbortSignal, Set<PollSignal>>();

function inFlightOn(shutdown: AbortSignal): Set<PollSignal> {
  let set = inFlight.get(shutdown);
  if (!set) {
    const polls = new Set<PollSignal>();
    shutdown.addEventListener(
      'abort',
      () => {
        for (const p of polls) p.abort(); // abort() deletes p: safe while iterating a Set
        polls.clear();
      },
      { once: true },
    );
    inFlight.set(shutdown, polls);
    set = polls;
  }
  return set;
}

const SIGNAL = Symbol('pollSignal');
type Polled = Response & { [SIGNAL]?: PollSignal };

/** The one 'close' listener of every polled response (`this`): no closure per poll. */
function onPollClosed(this: Polled): void {
  this[SIGNAL]?.closed(this.writableFinished);
}

/**
 * Aborted when the client goes away (freeing its waiter at once) or the process shuts down
 * (so parked polls answer instead of holding shutdown up).
 */
export function pollSignal(res: Response, shutdown: AbortSignal): WaitSignal {
  if (shutdown.aborted) return shutdown;
  const signal = new PollSignal(inFlightOn(shutdown));
  (res as Polled)[SIGNAL] = signal;
  res.on('close', onPollClosed);
  return signal;
}

/**
 * Runs a long-poll's async work without Express holding its routing closures while the poll
 * is parked (docs/performance.md). Errors go straight to `onError`, the app's error handler,
 * which ends the response itself.
 */
export function detached(
  req: Request,
  res: Response,
  work: Promise<void>,
  onError: ErrorRequestHandler,
): void {
  req.next = undefined;
  // Routing is over: the parsed URL (~0.4 KB with its strings) is parsed again should a
  // later step ask for req.path.
  (req as Request & { _parsedUrl?: unknown })._parsedUrl = undefined;
  work.catch((err: unknown) => onError(err, req, res, noNext));
}

// The error handler answers (or, after headers went out, leaves the response as it is) and
// never passes the error on; should it, there is no further handler to pass it to.
const noNext: NextFunction = () => undefined;
