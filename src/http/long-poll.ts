import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';

/**
 * Per shutdown signal, the controllers of the requests in flight: one 'abort' listener on
 * the shutdown signal fans out to all of them (AbortSignal.any costs ~3 KB per parked poll;
 * docs/performance.md).
 */
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

function inFlightOn(shutdown: AbortSignal): Set<AbortController> {
  let set = inFlight.get(shutdown);
  if (!set) {
    const controllers = new Set<AbortController>();
    shutdown.addEventListener(
      'abort',
      () => {
        for (const c of controllers) c.abort(shutdown.reason);
        controllers.clear();
      },
      { once: true },
    );
    inFlight.set(shutdown, controllers);
    set = controllers;
  }
  return set;
}

/**
 * Aborted when the client goes away (freeing its waiter at once) or the process shuts down
 * (so parked polls answer instead of holding shutdown up).
 */
export function pollSignal(res: Response, shutdown: AbortSignal): AbortSignal {
  if (shutdown.aborted) return shutdown;
  const client = new AbortController();
  const controllers = inFlightOn(shutdown);
  controllers.add(client);
  res.on('close', () => {
    controllers.delete(client);
    if (!res.writableFinished) client.abort();
  });
  return client.signal;
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
  work.catch((err: unknown) => onError(err, req, res, noNext));
}

// The error handler answers (or, after headers went out, leaves the response as it is) and
// never passes the error on; should it, there is no further handler to pass it to.
const noNext: NextFunction = () => undefined;
