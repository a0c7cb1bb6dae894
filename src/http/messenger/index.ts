import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { authenticateUser } from '../auth';
import { bodyAfterAuth, hasUser, type BodyReaders } from '../body';
import type { EdgeLimits } from '../edge-limits';
import { accountRoutes, signInRoutes } from './auth.routes';
import { messengerRoutes } from './chats.routes';
import { botProfileRoutes } from './bots.routes';
import { groupRoutes } from './groups.routes';
import { messageActionRoutes } from './message-actions.routes';
import { webAppRoutes } from './webapp.routes';

/**
 * The messenger API, mounted at /api/v1: JWT authenticated once, after sign-up and sign-in;
 * bodies are read after that step (sign-in's own, small, before it); `limitWrites` bounds each
 * person's message writes.
 */
export function messengerApi(
  s: Services,
  {
    limits,
    bodies,
    limitWrites,
  }: { limits: EdgeLimits; bodies: BodyReaders; limitWrites: RequestHandler },
  shutdown: AbortSignal,
  onError: ErrorRequestHandler,
): Router {
  const r = Router();
  r.post(['/auth/register', '/auth/login'], bodies.signIn);
  r.use('/auth', signInRoutes(s.accounts));
  r.use(authenticateUser(s.accounts));
  r.post('/chats/:chat_id/messages', bodyAfterAuth(bodies.media, hasUser));
  r.use(bodyAfterAuth(bodies.json, hasUser));
  r.get(
    '/events',
    limits.pollGate((req) => ({ authenticated: hasUser(req), userId: req.user?.id })),
  );
  r.use('/auth', accountRoutes(s.accounts));
  r.use(messengerRoutes(s, shutdown, limitWrites, onError));
  r.use(groupRoutes(s));
  r.use(botProfileRoutes(s));
  r.use(messageActionRoutes(s, limitWrites));
  r.use(webAppRoutes(s, limitWrites));
  return r;
}
