import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../infra/logger';

/** Gateway URLs may carry the token (`/bot<token>/method`); keep it out of logs. */
export const scrubUrl = (url: string) =>
  url
    .replace(/\/bot[^/?]+/i, '/bot[redacted]')
    .replace(/([?&](token|api_key)=)[^&]*/gi, '$1[redacted]');

/**
 * Request logs carry method, scrubbed URL, status and timing, never headers or bodies:
 * both may hold tokens and passwords.
 */
export function requestLog(log: Logger) {
  return pinoHttp({
    logger: log,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: scrubUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : 'info',
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  });
}
