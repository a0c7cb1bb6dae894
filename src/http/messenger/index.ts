import { Router, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { authenticateUser } from '../auth';
import { accountRoutes, signInRoutes } from './auth.routes';
import { messengerRoutes } from './chats.routes';
import { groupRoutes } from './groups.routes';
import { messageActionRoutes } from './message-actions.routes';

/**
 * The messenger API, mounted at /api/v1: JWT authenticated once, after sign-up and sign-in;
 * `limitWrites` bounds each person's message writes.
 */
export function messengerApi(
  s: Services,
  shutdown: AbortSignal,
  limitWrites: RequestHandler,
): Router {
  const r = Router();
  r.use('/auth', signInRoutes(s.accounts));
  r.use(authenticateUser(s.accounts));
  r.use('/auth', accountRoutes());
  r.use(messengerRoutes(s, shutdown, limitWrites));
  r.use(groupRoutes(s));
  r.use(messageActionRoutes(s, limitWrites));
  return r;
}
