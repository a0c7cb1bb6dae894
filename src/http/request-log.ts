import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger';

/** Gateway URLs may carry the token (`/bot<token>/method`); keep it out of logs. */
export const scrubUrl = (url: string) =>
  url
    .replace(/\/bot[^/?]+/i, '/bot[redacted]')
    .replace(/([?&](token|api_key)=)[^&]*/gi, '$1[redacted]');

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
