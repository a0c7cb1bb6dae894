import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Infra } from '../services';
import type { Services } from '../services';
import { jsonBody } from './body';
import { errorHandler, notFoundHandler, quantaEnvelope } from './errors';
import { healthRoutes } from './health.routes';
import { requestLog } from './request-log';
import { authRoutes } from './messenger/auth.routes';
import { botRoutes } from './quanta/bots.routes';
import { messagingRoutes } from './quanta/messaging.routes';
import { messengerRoutes } from './messenger/chats.routes';

/** The main listener (PORT): health, the messenger API and the Quanta bot API. */
export function createApiApp(infra: Infra, services: Services, shutdown: AbortSignal): Express {
  const { config, log, db, redis } = infra;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestLog(log));
  app.use(healthRoutes(db, redis));
  app.use(jsonBody(config.BODY_LIMIT));

  app.use('/api/v1/auth', authRoutes(services.accounts));
  app.use('/api/v1/bot', botRoutes(services));
  app.use('/api/v1/bot', messagingRoutes(services, shutdown));
  app.use('/api/v1', messengerRoutes(services, shutdown));

  app.use(notFoundHandler(quantaEnvelope));
  app.use(errorHandler(log, quantaEnvelope));
  return app;
}
