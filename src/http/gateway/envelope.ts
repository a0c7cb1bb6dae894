// The gateway's answers: `{ok: true, result}`, or Telegram's failure envelope with Koto's
// `error` beside it. HTTP status = error_code; the words come from error-wording.ts.
import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError } from '../../domain/errors';
import type { Logger } from '../../infra/logger';
import { toAppError } from '../errors';
import { scrubUrl } from '../request-log';
import { telegramWording } from './error-wording';

export interface Failure {
  ok: false;
  error_code: number;
  description: string;
  error: string;
  parameters?: { retry_after?: number };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The method a gateway request named (lower-cased), for wordings that depend on it. */
const methods = new WeakMap<Request, string>();
export const noteMethod = (req: Request, method: string) => methods.set(req, method);

/** An AppError in Telegram's words, as the method `method` reports it. */
export function toFailure(err: AppError, method = ''): Failure {
  const { status, text } = telegramWording(err, method);
  return failureOf(status, text, err.retryAfter);
}

/** Telegram's envelope for a status and the words after its title ("Bad Request: …"). */
export function failureOf(status: number, text: string, retryAfter?: number): Failure {
  const description = status === 401 ? 'Unauthorized' : `${TITLES[status] ?? 'Error'}: ${text}`;
  return {
    ok: false,
    error_code: status,
    description,
    error: description,
    ...(retryAfter !== undefined && { parameters: { retry_after: retryAfter } }),
  };
}

export function sendFailure(res: Response, f: Failure): void {
  if (f.parameters?.retry_after !== undefined) {
    res.set('Retry-After', String(f.parameters.retry_after));
  }
  res.status(f.error_code).json(f);
}

export function gatewayErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    let appErr = toAppError(err);
    if (!appErr) {
      // The path may hold the token (`/bot<token>/...`): log it scrubbed.
      log.error({ err, method: req.method, path: scrubUrl(req.originalUrl) }, 'unhandled error');
      appErr = new AppError('internal');
    }
    sendFailure(res, toFailure(appErr, methods.get(req)));
  };
}
