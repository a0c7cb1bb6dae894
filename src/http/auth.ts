import type { RequestHandler } from 'express';
import { unauthorized } from '../domain/errors';
import type { AccountsService } from '../domain/accounts/accounts.service';
import type { BotsService } from '../domain/bots/bots.service';

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** JWT in `Authorization: Bearer <jwt>` (owners and messenger users). */
export const requireUser =
  (accounts: AccountsService): RequestHandler =>
  async (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw unauthorized('missing bearer token');
    req.user = await accounts.authenticate(token);
    next();
  };

/** Bot API key in `X-Bot-Token` (Quanta dialect). */
export const requireBot =
  (bots: BotsService): RequestHandler =>
  async (req, _res, next) => {
    const token = req.get('x-bot-token')?.trim();
    if (!token) throw unauthorized('missing X-Bot-Token header');
    req.bot = await bots.authenticate(token);
    next();
  };
