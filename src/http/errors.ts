import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, appError } from '../domain/errors';
import { messengerSentences, quantaSentences } from './error-sentences';
import { sqlState } from '../domain/db-errors';
import type { Logger } from '../infra/logger';

/** Body-parser and other http-errors style failures, mapped to our codes. */
function fromHttpError(err: unknown): AppError | undefined {
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean };
  switch (e?.type) {
    case 'entity.parse.failed':
      return appError('malformed_json');
    case 'entity.too.large':
      return appError('body_too_large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return appError('unsupported_encoding');
    case 'request.aborted':
      return appError('request_aborted');
    default:
      break;
  }
  const status = e?.status ?? e?.statusCode;
  if (status && status >= 400 && status < 500 && e.expose) {
    return appError('malformed_request', { detail: (err as Error).message });
  }
  // The router's failure to decode a path parameter (`/chats/%ZZ`): status 400 but no
  // `expose`, so it used to fall through to a 500.
  if (status === 400 && (err as Error).name === 'URIError') {
    return appError('malformed_path');
  }
  return undefined;
}

/**
 * Postgres refusing a value the request carried (the checks before it let it through): NUL
 * characters in text (22021) or JSON (22P05), an unpaired surrogate in JSON (22P02), a
 * number out of range (22003)… SQLSTATE class 22 is "data exception", class 54 "program
 * limit exceeded" (a value too large or too deeply nested to store). Either way the request
 * is at fault, not the server: a 400, not a 500. The statement failed as a whole, so
 * nothing was written by it.
 */
function fromRejectedValue(err: unknown): AppError | undefined {
  const state = sqlState(err);
  if (state === '22021' || state === '22P05') {
    return appError('unstorable_text');
  }
  if (state?.startsWith('22')) return appError('value_out_of_range');
  if (state?.startsWith('54')) return appError('value_too_large');
  return undefined;
}

/**
 * Error codes that mean "the database or Redis is away", not "the request was bad": socket
 * errnos (a connection reset mid-query is ECONNRESET, in `code`, not in the message's words)
 * and PostgreSQL's shutting-down / cannot-connect states (SQLSTATE class 08 is matched below).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS) ran out
]);

/** Prisma's driver-adapter error kinds for the same situations (its `code` is P2010). */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

const isUnavailableCode = (code: unknown) =>
  typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code));

/** Infrastructure outages become 503 rather than 500: the request was fine. */
function isUnavailable(err: unknown): boolean {
  const adapterKind = (err as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } })
    ?.meta?.driverAdapterError?.cause?.kind;
  if (typeof adapterKind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(adapterKind)) return true;
  if (isUnavailableCode(sqlState(err))) return true;
  // Other wrappers keep the original failure in `cause`.
  for (
    let e = err as (Error & { code?: unknown }) | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (isUnavailableCode(e.code)) return true;
    const text = `${e.name ?? ''} ${e.message ?? ''}`;
    if (
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|DatabaseNotReachable|Can't reach database|timeout exceeded when trying to connect|Query read timeout|Stream isn't writeable|Connection is closed|Cannot use a pool after calling end|Client was closed/i.test(
        text,
      )
    ) {
      return true;
    }
    e = e.cause as typeof e;
  }
  return false;
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const mapped = fromHttpError(err) ?? fromRejectedValue(err);
  if (mapped) return mapped;
  if (isUnavailable(err)) return appError('unavailable');
  return undefined;
}

export type Envelope = (err: AppError) => unknown;

/** The Quanta bot API's envelope: `{ "error": "..." }`. */
export const quantaEnvelope: Envelope = (err) => ({ error: quantaSentences[err.reason](err) });

/** The messenger API's envelope: the same shape, addressed to a person. */
export const messengerEnvelope: Envelope = (err) => ({
  error: messengerSentences[err.reason](err),
});

export function errorHandler(log: Logger, envelope: Envelope): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appErr = toAppError(err);
    if (!appErr) {
      log.error({ err, method: req.method, path: req.path }, 'unhandled error');
      appErr = appError('internal');
    }
    res.status(appErr.status);
    if (res.headersSent) return;
    if (appErr.retryAfter !== undefined) res.set('Retry-After', String(appErr.retryAfter));
    res.json(envelope(appErr));
  };
}

export const notFoundHandler =
  (envelope: Envelope): RequestHandler =>
  (_req, res) => {
    res.status(404).json(envelope(appError('route_not_found')));
  };
