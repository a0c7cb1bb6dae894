import type { RequestHandler } from 'express';
import { appError } from '../domain/errors';
import type { AccountsService } from '../domain/accounts/accounts.service';
import type { BotsService } from '../domain/bots/bots.service';
import type { BotRateLimiter } from './rate-limit';

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** JWT in `Authorization: Bearer <jwt>` (owners and messenger users). */
export const requireUser =
  (accounts: AccountsService): RequestHandler =>
  async (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw appError('missing_bearer_token');
    req.user = await accounts.authenticate(token);
    next();
  };

/**
 * Authenticates `X-Bot-Token` once for everything under the Quanta bot prefix and counts the
 * request against the bot's rate limit (so the limit is per bot, not per address). Owner
 * (JWT) routes under the same prefix carry no bot token and pass through untouched.
 */
export const limitBots =
  (bots: BotsService, limiter: BotRateLimiter): RequestHandler =>
  async (req, _res, next) => {
    const token = req.get('x-bot-token')?.trim();
    if (token) {
      req.bot = await bots.authenticate(token);
      await limiter.consume(req.bot.id);
    }
    next();
  };

/** Bot API key in `X-Bot-Token` (Quanta dialect); reuses limitBots' lookup when it ran. */
export const requireBot =
  (bots: BotsService): RequestHandler =>
  async (req, _res, next) => {
    if (req.bot) return next();
    const token = req.get('x-bot-token')?.trim();
    if (!token) throw appError('missing_bot_token');
    req.bot = await bots.authenticate(token);
    next();
  };
