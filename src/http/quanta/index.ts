import { Router, type ErrorRequestHandler } from 'express';
import type { Services } from '../../services';
import { authenticateAndRateLimitBot } from '../auth';
import { bodyAfterAuth, hasBot, type BodyReaders } from '../body';
import type { EdgeLimits } from '../edge-limits';
import { notFoundHandler, quantaEnvelope } from '../errors';
import type { BotRateLimiter } from '../rate-limit';
import { botRoutes, ownerRoutes } from './bots.routes';
import { mediaRoutes } from './media.routes';
import { messageActionRoutes } from './message-actions.routes';
import { messagingRoutes } from './messaging.routes';
import { webhookRoutes } from './webhook.routes';

export interface QuantaEdge {
  limiter: BotRateLimiter;
  limits: EdgeLimits;
  bodies: BodyReaders;
}

/**
 * The Quanta bot API, mounted at /api/v1/bot: `X-Bot-Token` authenticated and rate-limited
 * once here, then the body read; the owners' registry routes carry their own JWT step.
 */
export function quantaApi(
  s: Services,
  { limiter, limits, bodies }: QuantaEdge,
  shutdown: AbortSignal,
  onError: ErrorRequestHandler,
): Router {
  const r = Router();
  r.use(authenticateAndRateLimitBot(s.bots, limiter));
  r.post(['/send-photo', '/send-document'], bodyAfterAuth(bodies.media, hasBot));
  r.use(bodyAfterAuth(bodies.json, hasBot));
  r.get(
    '/updates',
    limits.pollGate((req) => ({ authenticated: hasBot(req) })),
  );
  // The hot routes first (no path of the others is theirs): a send matches fewer layers.
  r.use(messagingRoutes(s, shutdown, onError));
  r.use(ownerRoutes(s, bodies.json));
  r.use(botRoutes(s));
  r.use(webhookRoutes(s));
  r.use(mediaRoutes(s));
  r.use(messageActionRoutes(s));
  // Answered here: the messenger's JWT step after this prefix must not judge bot paths.
  r.use(notFoundHandler(quantaEnvelope));
  return r;
}
