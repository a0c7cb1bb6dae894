import { Router } from 'express';
import type { Services } from '../../services';
import { authenticateUser } from '../auth';
import { accountRoutes, signInRoutes } from './auth.routes';
import { messengerRoutes } from './chats.routes';
import { messageActionRoutes } from './message-actions.routes';

/** The messenger API, mounted at /api/v1: JWT authenticated once, after sign-up and sign-in. */
export function messengerApi(s: Services, shutdown: AbortSignal): Router {
  const r = Router();
  r.use('/auth', signInRoutes(s.accounts));
  r.use(authenticateUser(s.accounts));
  r.use('/auth', accountRoutes(s.accounts));
  r.use(messengerRoutes(s, shutdown));
  r.use(messageActionRoutes(s));
  return r;
}
