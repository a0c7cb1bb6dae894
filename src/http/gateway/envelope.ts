// The gateway's answers: `{ok: true, result}`, or Telegram's failure envelope with Koto's
// `error` beside it. HTTP status = error_code, and the descriptions use Telegram's wording,
// since bots and libraries match on them (grammY and telegraf branch on 401/409/429).
import type { ErrorRequestHandler, Response } from 'express';
import type { AppError } from '../../domain/errors';
import { WEBHOOK_IS_SET } from '../../domain/updates/updates.service';
import type { Logger } from '../../infra/logger';
import { toAppError } from '../errors';
import { scrubUrl } from '../request-log';

/** A failure that exists only in this dialect (unknown method, a method not wired yet). */
export class TelegramError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'TelegramError';
  }
}

export const methodNotFound = () => new TelegramError(404, 'Not Found: method not found');

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
  503: 'Service Unavailable',
};

const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';

/**
 * Domain messages whose Telegram wording differs, keyed by the domain's text. Telegram
 * reports a missing chat, message or query as 400, keeping 404 for an unknown method.
 */
const WORDING: Record<string, { status?: number; text: string }> = {
  'terminated by another long poll for this bot': {
    text: 'terminated by other getUpdates request; make sure that only one bot instance is running',
  },
  [WEBHOOK_IS_SET]: {
    text: "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  },
  'not a member of the chat': { text: 'bot is not a member of the chat' },
  'callback not found': { text: QUERY_INVALID },
  'callback already answered': { status: 400, text: QUERY_INVALID },
  'a bot can only edit its own messages': { status: 400, text: "message can't be edited" },
  'reply_to_message_id: message not found in this chat': {
    text: 'message to be replied not found',
  },
  'chat_id and content are required': { text: 'message text is empty' },
};

function failure(status: number, text: string, retryAfter?: number): Failure {
  const description = status === 401 ? 'Unauthorized' : `${TITLES[status] ?? 'Error'}: ${text}`;
  return {
    ok: false,
    error_code: status,
    description,
    error: description,
    ...(retryAfter !== undefined && { parameters: { retry_after: retryAfter } }),
  };
}

/** An AppError from the domain, in Telegram's words. */
export function fromAppError(err: AppError): Failure {
  if (err.code === 'too_many_requests') {
    const after = err.retryAfter ?? 1;
    return failure(429, `retry after ${after}`, after);
  }
  const known = WORDING[err.message];
  const status = known?.status ?? (err.code === 'not_found' ? 400 : err.status);
  return failure(status, known?.text ?? err.message);
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
    if (err instanceof TelegramError) {
      sendFailure(res, {
        ok: false,
        error_code: err.errorCode,
        description: err.description,
        error: err.description,
      });
      return;
    }
    const appErr = toAppError(err);
    if (!appErr) {
      // The path may hold the token (`/bot<token>/...`): log it scrubbed.
      log.error({ err, method: req.method, path: scrubUrl(req.originalUrl) }, 'unhandled error');
      sendFailure(res, failure(500, 'internal error'));
      return;
    }
    sendFailure(res, fromAppError(appErr));
  };
}
