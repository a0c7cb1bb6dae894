import express, { type Express } from 'express';
import type { Config } from '../config';
import type { Logger } from '../infra/logger';
import type { Surface } from '../infra/metrics';
import { requestLog } from './request-log';
import { securityHeaders } from './security-headers';

/**
 * What every listener starts with: proxy trust, the simple query parser, headers, the log.
 * `surface`: the one API the listener serves, if only one (else told by each path's mount).
 */
export function baseApp(config: Config, log: Logger, surface?: Surface): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('query parser', 'simple');
  securityHeaders(app);
  app.use(requestLog(log, surface, config.METRICS_ENABLED));
  return app;
}
