import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger';

/** Query parameters logged with their values: paging and polling, never texts or secrets. */
const LOGGED_PARAMS = new Set(['offset', 'limit', 'timeout', 'after', 'before']);

/**
 * What a log may say of a URL: its path, with a gateway token (`/bot<token>/method`) redacted,
 * and the allow-listed query parameters only. Any other parameter may be a secret_token, a
 * message text or a token (the gateway takes every method's parameters from the query).
 */
export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(/\/bot[^/]+/i, '/bot[redacted]');
  if (q < 0) return path;
  const kept = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    if (LOGGED_PARAMS.has(name)) kept.append(name, value);
  }
  return kept.size > 0 ? `${path}?${kept.toString()}` : path;
}

/** The client's x-request-id when it is a plain token, else a fresh one. */
const requestId = (req: IncomingMessage) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
};

const STARTED = Symbol('requestStarted');
type Logged = ServerResponse & {
  req: IncomingMessage & { originalUrl?: string };
  [STARTED]?: number;
};

/**
 * Request logs carry method, scrubbed URL, status, timing and request id, never headers or
 * bodies: both may hold tokens and passwords. The line is pino-http's, written once, on
 * whichever of finish / close / error comes first; a request holds only its start time, not
 * pino-http's ~1.2 KB (docs/performance.md).
 */
export function requestLog(log: Logger): RequestHandler {
  function logResponse(this: Logged, err?: Error): void {
    const start = this[STARTED];
    if (start === undefined) return;
    this[STARTED] = undefined;
    this.off('finish', logResponse).off('close', logResponse).off('error', logResponse);
    const { req } = this;
    const fields = {
      req: {
        id: requestId(req),
        method: req.method,
        url: scrubUrl(req.originalUrl ?? req.url ?? ''),
      },
      res: { statusCode: this.statusCode },
      responseTime: Date.now() - start,
    };
    if (err || this.statusCode >= 500) {
      const error = err ?? new Error(`failed with status code ${this.statusCode}`);
      log.error({ ...fields, err: error }, 'request errored');
    } else {
      const done = !req.readableAborted && this.writableEnded;
      log.info(fields, done ? 'request completed' : 'request aborted');
    }
  }
  return (req, res, next) => {
    if (req.url !== '/health') {
      (res as Logged)[STARTED] = Date.now();
      res.on('finish', logResponse).on('close', logResponse).on('error', logResponse);
    }
    next();
  };
}
