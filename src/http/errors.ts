import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../domain/errors';
import type { Logger } from '../infra/logger';

/** Body-parser and other http-errors style failures, mapped to our codes. */
function fromHttpError(err: unknown): AppError | undefined {
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean };
  switch (e?.type) {
    case 'entity.parse.failed':
      return new AppError('bad_request', 'malformed JSON body');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'request body too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'unsupported body encoding');
    case 'request.aborted':
      return new AppError('bad_request', 'request aborted');
  }
  const status = e?.status ?? e?.statusCode;
  if (status && status >= 400 && status < 500 && e.expose) {
    return new AppError('bad_request', (err as Error).message);
  }
  return undefined;
}

/** Infrastructure outages become 503 rather than 500: the request was fine. */
function isUnavailable(err: unknown): boolean {
  const text = `${(err as Error)?.name ?? ''} ${(err as Error)?.message ?? ''}`;
  return /ECONNREFUSED|ETIMEDOUT|Connection terminated|connect|DatabaseNotReachable|Can't reach database|timeout exceeded when trying to connect|Stream isn't writeable|Connection is closed/i.test(
    text,
  );
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const mapped = fromHttpError(err);
  if (mapped) return mapped;
  if (isUnavailable(err)) return new AppError('unavailable', 'service temporarily unavailable');
  return undefined;
}

export type Envelope = (err: AppError) => unknown;

/** Quanta and messenger envelope: `{ "error": "..." }`. */
export const quantaEnvelope: Envelope = (err) => ({ error: err.message });

export function errorHandler(log: Logger, envelope: Envelope): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appErr = toAppError(err);
    if (!appErr) {
      log.error({ err, method: req.method, path: req.path }, 'unhandled error');
      appErr = new AppError('unavailable', 'internal error');
      res.status(500);
    } else {
      res.status(appErr.status);
    }
    if (res.headersSent) return;
    if (appErr.retryAfter !== undefined) res.set('Retry-After', String(appErr.retryAfter));
    res.json(envelope(appErr));
  };
}

export const notFoundHandler =
  (envelope: Envelope): RequestHandler =>
  (_req, res) => {
    res.status(404).json(envelope(new AppError('not_found', 'not found')));
  };
