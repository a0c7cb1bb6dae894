import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/**
 * Paths that may carry credentials. Request logs never print bodies or auth headers in
 * the first place (see http/request-log.ts); this is the second line of defence.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-bot-token"]',
  'req.headers.cookie',
  'password',
  'api_key',
  'token',
  '*.password',
  '*.api_key',
  '*.token',
  'secret',
  '*.secret',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}

export type { Logger };
