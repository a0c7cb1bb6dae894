import type { Express } from 'express';
import type { Infra, Services } from '../services';
import { baseApp } from './base-app';
import { jsonBody, mediaBodyLimit } from './body';
import { errorHandler, messengerEnvelope, notFoundHandler, quantaEnvelope } from './errors';
import { healthRoutes } from './health.routes';
import { createBotRateLimiter, userWriteLimit } from './rate-limit';
import { gatewayRouter } from './gateway/router';
import { messengerApi } from './messenger';
import { quantaApi } from './quanta';

/** Routes whose JSON may carry inline base64 media: only they get the larger body limit. */
const MEDIA_ROUTES = [
  '/api/v1/bot/send-photo',
  '/api/v1/bot/send-document',
  '/api/v1/chats/:chat_id/messages',
];

/**
 * The main listener (PORT): health, the messenger API, the Quanta bot API, and the gateway
 * dialect under /gateway (the same as GATEWAY_PORT's root).
 */
export function createApiApp(infra: Infra, services: Services, shutdown: AbortSignal): Express {
  const { config, log, db, redis } = infra;
  const app = baseApp(config, log);
  app.use(healthRoutes(db, redis));
  const onError = errorHandler(log, quantaEnvelope);
  const limiter = createBotRateLimiter(redis, config.RATE_LIMIT_PER_BOT);
  // Before the JSON parser: the gateway reads its own bodies (forms, uploads, larger limit).
  app.use(
    '/gateway',
    gatewayRouter({
      services,
      limiter,
      log,
      bodyLimit: config.GATEWAY_BODY_LIMIT,
      shutdown,
    }),
  );
  app.post(MEDIA_ROUTES, jsonBody(String(mediaBodyLimit(config.MEDIA_MAX_BYTES))));
  app.use(jsonBody(config.BODY_LIMIT));

  // The bot prefix first: it lies under the messenger's.
  app.use('/api/v1/bot', quantaApi(services, limiter, shutdown, onError));
  const limitWrites = userWriteLimit(redis, config.USER_WRITES_PER_MINUTE);
  app.use('/api/v1', messengerApi(services, shutdown, limitWrites));

  app.use(notFoundHandler(quantaEnvelope));
  app.use('/api/v1/bot', onError);
  app.use(errorHandler(log, messengerEnvelope));
  return app;
}
