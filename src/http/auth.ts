import type { RequestHandler } from 'express';
import type { AccountsService } from '../domain/accounts/accounts.service';
import type { BotsService } from '../domain/bots/bots.service';
import type { BotRateLimiter } from './rate-limit';

// One step per API prefix authenticates the credential a request carries; a handler that
// needs it asks userOf/botOf (http/context.ts), which answer 401 when none came. So a path
// no route serves stays a 404 without credentials.

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** JWT in `Authorization: Bearer <jwt>` (owners and messenger users), when present. */
export const authenticateUser =
  (accounts: AccountsService): RequestHandler =>
  async (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (token) req.user = await accounts.authenticate(token);
    next();
  };

/**
 * Bot API key in `X-Bot-Token` (Quanta dialect), when present; each authenticated request
 * counts against the bot's rate limit (per bot, not per address).
 */
export const authenticateAndRateLimitBot =
  (bots: BotsService, limiter: BotRateLimiter): RequestHandler =>
  async (req, _res, next) => {
    const token = req.get('x-bot-token')?.trim();
    if (token) {
      req.bot = await bots.authenticate(token);
      await limiter.consume(req.bot.id, 'quanta');
    }
    next();
  };
