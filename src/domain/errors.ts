/**
 * The one error type the domain throws. Each dialect renders it in its own envelope;
 * `code` is stable for programs, `message` is for people.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds to wait before retrying (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}

export const badRequest = (msg: string) => new AppError('bad_request', msg);
export const unauthorized = (msg = 'unauthorized') => new AppError('unauthorized', msg);
export const forbidden = (msg: string) => new AppError('forbidden', msg);
export const notFound = (msg: string) => new AppError('not_found', msg);
export const conflict = (msg: string) => new AppError('conflict', msg);
