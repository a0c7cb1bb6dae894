import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { AbortListener, Settle, WaitSignal } from '../realtime/long-wait';

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

/** What a parked request keeps of its headers: nothing, or the request log's id. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_RAW_HEADERS: readonly string[] = Object.freeze([]);

/**
 * Drops what routing left on a request that is about to park: nothing reads it again, and a
 * parked poll would hold it for up to 50 s (~0.7 KB; docs/performance.md). Express's `next`
 * and parsed URL (parsed again should a later step ask for req.path), `params` and
 * `res.locals` (dictionary-mode objects), and the request headers, all but `x-request-id`,
 * which the request log writes when the poll answers.
 */
function forgetRouting(req: Request, res: Response): void {
  const id = req.headers['x-request-id'];
  // Fields Express and Node declare as always set: these are never read again.
  const r = req as unknown as Record<string, unknown>;
  r.next = undefined;
  r._parsedUrl = undefined;
  r.params = undefined;
  r.headers = typeof id === 'string' ? { 'x-request-id': id } : NO_HEADERS;
  r.rawHeaders = NO_RAW_HEADERS;
  (res as unknown as Record<string, unknown>).locals = undefined;
}

/**
 * A parked request's outcome, as an object the wait calls: its answer, or the app's error
 * handler. No promise, reaction or closure per poll beyond `answer` (docs/performance.md).
 */
class Detached<V> implements Settle<V> {
  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly answer: (value: V) => void | Promise<void>,
    private readonly onError: ErrorRequestHandler,
  ) {}

  resolve(value: V): void {
    try {
      const done = this.answer(value);
      if (done) done.catch((err: unknown) => this.reject(err));
    } catch (err) {
      this.reject(err);
    }
  }

  reject(err: unknown): void {
    this.onError(err, this.req, this.res, noNext);
  }
}

/**
 * Runs a long-poll without Express holding its routing state while the poll is parked
 * (docs/performance.md): `start` begins the wait with the sink to settle; what it throws
 * goes through Express as usual (routing state still whole). `answer` gets the outcome; a
 * failure, or an error `answer` throws or rejects with, goes straight to `onError`, the
 * app's error handler, which ends the response itself.
 */
export function detached<V>(
  req: Request,
  res: Response,
  start: (sink: Settle<V>) => void,
  answer: (value: V) => void | Promise<void>,
  onError: ErrorRequestHandler,
): void {
  start(new Detached(req, res, answer, onError));
  forgetRouting(req, res);
}

// The error handler answers (or, after headers went out, leaves the response as it is) and
// never passes the error on; should it, there is no further handler to pass it to.
const noNext: NextFunction = () => undefined;
