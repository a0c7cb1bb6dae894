import type { Request } from 'express';
import type { User } from '../generated/prisma/client';
import type { BotWithUser } from '../domain/bots/bots.service';
import { unauthorized } from '../domain/errors';

// What the prefix's auth step found (http/auth.ts), attached for the handlers after it.
declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
    bot?: BotWithUser;
  }
}

/** The user of the request's JWT, or 401. */
export function userOf(req: Request): User {
  if (!req.user) throw unauthorized('missing bearer token');
  return req.user;
}

/** The bot of the request's `X-Bot-Token`, or 401. */
export function botOf(req: Request): BotWithUser {
  if (!req.bot) throw unauthorized('missing X-Bot-Token header');
  return req.bot;
}
