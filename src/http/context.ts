import type { Request } from 'express';
import type { User } from '../generated/prisma/client';
import type { BotWithUser } from '../domain/bots/bots.service';
import { appError } from '../domain/errors';

// What the prefix's auth step found (http/auth.ts), attached for the handlers after it.
declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
    bot?: BotWithUser;
  }
}

/** The user of the request's JWT, or 401. */
export function userOf(req: Request): User {
  if (!req.user) throw appError('missing_bearer_token');
  return req.user;
}

/** The bot of the request's `X-Bot-Token`, or 401. */
export function botOf(req: Request): BotWithUser {
  if (!req.bot) throw appError('missing_bot_token');
  return req.bot;
}
