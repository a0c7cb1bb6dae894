import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';

/**
 * Per shutdown signal, the controllers of the requests in flight: one 'abort' listener on
 * the shutdown signal fans out to all of them. Not AbortSignal.any: in Node 20 each
 * composite signal costs ~3 KB that lives as long as the poll (WeakRefs, dependant-signal
 * sets, a second signal with a hidden class of its own), 30 MB for 10,000 parked polls,
 * and its bookkeeping is only dropped by GC.
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
 * Runs a long-poll's async work without Express holding on to its routing state meanwhile.
 *
 * Why: an async handler's promise keeps Express's `next` for the route, and `req.next` is
 * the enclosing router's; each closes over its router's per-request state (stack index,
 * saved baseUrl/params, the parent router's `next`…), a chain of ~20 closure contexts per
 * request that a parked poll held for up to 50 s. Here the handler returns nothing (Express
 * keeps no promise), `req.next` is dropped (nothing calls it after the route), and errors
 * go straight to `onError`: the app's error handler, which ends the response itself.
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
