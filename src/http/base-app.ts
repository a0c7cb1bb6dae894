import express, { type Express } from 'express';
import type { Config } from '../config';
import type { Logger } from '../infra/logger';
import { requestLog } from './request-log';
import { securityHeaders } from './security-headers';

/** What every listener starts with: proxy trust, the simple query parser, headers, the log. */
export function baseApp(config: Config, log: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('query parser', 'simple');
  securityHeaders(app);
  app.use(requestLog(log));
  return app;
}
