import type { Express } from 'express';
import type { Infra, Services } from '../services';
import { baseApp } from './base-app';
import { jsonBody, mediaBodyLimit, type BodyReaders } from './body';
import { EdgeLimits } from './edge-limits';
import { errorHandler, messengerEnvelope, notFoundHandler, quantaEnvelope } from './errors';
import { healthRoutes } from './health.routes';
import { openApiRoutes } from './openapi/routes';
import { createBotRateLimiter, userWriteLimit } from './rate-limit';
import { kotoRegistry } from './gateway/registry';
import { gatewayRouter } from './gateway/router';
import { messengerApi } from './messenger';
import { quantaApi } from './quanta';
import { webAppScriptRoutes } from './webapp-scripts.routes';
import { consoleRoutes } from './console.routes';

/**
 * The main listener (PORT): health, the messenger API, the Quanta bot API, and the gateway
 * dialect under /gateway (the same as GATEWAY_PORT's root).
 */
export function createApiApp(
  infra: Infra,
  services: Services,
  shutdown: AbortSignal,
  limits: EdgeLimits = new EdgeLimits(infra.config),
): Express {
  const { config, log, db, redis } = infra;
  const app = baseApp(config, log);
  const onError = errorHandler(log, quantaEnvelope);
  const onMessengerError = errorHandler(log, messengerEnvelope);
  const limiter = createBotRateLimiter(redis, config.RATE_LIMIT_PER_BOT);
  // Each API reads bodies only after its auth step (sign-up and sign-in aside).
  const bodies: BodyReaders = {
    json: jsonBody(config.BODY_LIMIT, limits),
    media: jsonBody(String(mediaBodyLimit(config.MEDIA_MAX_BYTES)), limits),
    signIn: jsonBody(config.SIGN_IN_BODY_LIMIT, limits),
  };
  // The bot prefix first: it lies under the messenger's, and no other router serves a path
  // in it, so the bots' hot requests skip the others' route matching.
  app.use('/api/v1/bot', quantaApi(services, { limiter, limits, bodies }, shutdown, onError));
  app.use(healthRoutes(db, redis));
  app.use(openApiRoutes());
  app.use(webAppScriptRoutes());
  app.use(consoleRoutes({ allowHttpApps: config.WEBAPP_ALLOW_HTTP }));
  app.use(kotoRegistry({ services, limiter, log, limits }));
  // The gateway reads its own bodies (forms, uploads, larger limit), after its token.
  app.use(
    '/gateway',
    gatewayRouter({
      services,
      limiter,
      log,
      bodyLimit: config.GATEWAY_BODY_LIMIT,
      shutdown,
      limits,
    }),
  );
  const limitWrites = userWriteLimit(redis, config.USER_WRITES_PER_MINUTE);
  app.use(
    '/api/v1',
    messengerApi(services, { limits, bodies, limitWrites }, shutdown, onMessengerError),
  );

  app.use(notFoundHandler(quantaEnvelope));
  app.use('/api/v1/bot', onError);
  app.use(onMessengerError);
  return app;
}
