import type { Express } from 'express';
import type { Infra, Services } from '../../services';
import { baseApp } from '../base-app';
import { EdgeLimits } from '../edge-limits';
import { createBotRateLimiter } from '../rate-limit';
import { kotoRegistry } from './registry';
import { gatewayRouter } from './router';

/** The gateway listener (GATEWAY_PORT): the Telegram-compatible dialect at the root. */
export function createGatewayApp(
  infra: Infra,
  services: Services,
  shutdown: AbortSignal,
  limits: EdgeLimits = new EdgeLimits(infra.config),
): Express {
  const { config, log, redis } = infra;
  const app = baseApp(config, log, 'gateway');
  const limiter = createBotRateLimiter(redis, config.RATE_LIMIT_PER_BOT);
  app.use(kotoRegistry({ services, limiter, log, limits }));
  app.use(
    gatewayRouter({
      services,
      limiter,
      log,
      bodyLimit: config.GATEWAY_BODY_LIMIT,
      shutdown,
      limits,
    }),
  );
  return app;
}
