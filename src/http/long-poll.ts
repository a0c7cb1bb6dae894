import type { Response } from 'express';

/**
 * Aborted when the client goes away (freeing its waiter at once) or the process shuts down
 * (so parked polls answer instead of holding shutdown up).
 */
export function pollSignal(res: Response, shutdown: AbortSignal): AbortSignal {
  const client = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) client.abort();
  });
  return AbortSignal.any([client.signal, shutdown]);
}
