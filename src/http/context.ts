import type { Request } from 'express';
import type { User } from '../generated/prisma/client';
import type { BotWithUser } from '../domain/bots/bots.service';

// What the auth middleware found, attached to the request for the handlers after it.
declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
    bot?: BotWithUser;
  }
}

/** The authenticated user; only call behind requireUser. */
export function userOf(req: Request): User {
  if (!req.user) throw new Error('requireUser middleware missing');
  return req.user;
}

/** The authenticated bot; only call behind requireBot. */
export function botOf(req: Request): BotWithUser {
  if (!req.bot) throw new Error('requireBot middleware missing');
  return req.bot;
}
