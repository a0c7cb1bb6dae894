// The Koto registry's mini-app route, `PUT /v1/bots/<token>/webapp {"url"}` (and DELETE), on
// both listeners: the token is the path's (any spelling), answers are the gateway envelope.
// Token first, then the rate limit, then the body, as for every gateway method.
import { Router, type RequestHandler } from 'express';
import { parse } from '../../domain/validation';
import { setWebAppBody } from '../../domain/webapps/webapps.schemas';
import type { Logger } from '../../infra/logger';
import type { Services } from '../../services';
import { jsonBody } from '../body';
import type { EdgeLimits } from '../edge-limits';
import type { BotRateLimiter } from '../rate-limit';
import { routeAs } from '../request-log';
import { gatewayErrorHandler } from './envelope';
import { op } from '../openapi/operation';
import { z } from 'zod';

export interface RegistryDeps {
  services: Services;
  limiter: BotRateLimiter;
  log: Logger;
  limits: EdgeLimits;
}

const PATH = '/v1/bots/:token/webapp';

export function kotoRegistry({ services, limiter, log, limits }: RegistryDeps): Router {
  const r = Router();
  const body = jsonBody('16kb', limits);
  const asBot: RequestHandler = async (req, res, next) => {
    routeAs(res, `${req.method} /v1/bots/:token/webapp`);
    const bot = await services.bots.authenticate(String(req.params.token));
    await limiter.consume(bot.id, 'gateway');
    req.bot = bot;
    next();
  };
  r.put(PATH, asBot, body, async (req, res) => {
    const { url } = parse(setWebAppBody, req.body);
    const bot = await services.bots.setWebApp(req.bot!, String(req.params.token), { url });
    res.json({ ok: true, result: { url: bot.webappUrl } });
  });
  r.delete(PATH, asBot, async (req, res) => {
    await services.bots.setWebApp(req.bot!, String(req.params.token), null);
    res.json({ ok: true, result: { url: null } });
  });
  r.use('/v1/bots', gatewayErrorHandler(log));
  return r;
}

const urlResult = z.object({
  ok: z.literal(true),
  result: z.object({ url: z.string().nullable() }),
});

/** OpenAPI registrations of `kotoRegistry` (at the root of both listeners). */
export const registryDocs = [
  op('put', PATH, 'none', "Set the bot's mini app (the token, any spelling, is the path's)", {
    body: setWebAppBody,
    answers: { 200: { description: 'The URL now set', schema: urlResult } },
  }),
  op('delete', PATH, 'none', "Remove the bot's mini app", {
    answers: { 200: { description: 'Removed', schema: urlResult } },
  }),
];
