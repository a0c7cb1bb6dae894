// The gateway dialect's single entry: `/bot<token>/<method>` (what the libraries build) or
// `/<method>` with `Authorization: Bearer <token>` (Koto). Token first, as Telegram does
// (a bad token is 401 whatever the method), then the per-bot rate limit, then the method.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { appError } from '../../domain/errors';
import type { Logger } from '../../infra/logger';
import type { Services } from '../../services';
import { bearerToken } from '../auth';
import type { EdgeLimits } from '../edge-limits';
import { detached, pollSignal } from '../long-poll';
import { sendJson } from '../send-json';
import type { BotRateLimiter } from '../rate-limit';
import { gatewayErrorHandler, noteMethod } from './envelope';
import { fileRoutes } from './files';
import { idShapes, withInternalIds } from './ids';
import { METHOD_NAMES, METHODS } from './methods';
import { parkUpdates, tgUpdates } from './methods/updates';
import type { MethodContext } from './methods/types';
import type { UpdateRow } from '../../domain/updates/update-row';
import { routeAs } from '../request-log';
import { bodyParsers, isJson, readParams, sizeToBytes } from './params';

export interface GatewayDeps {
  services: Services;
  limiter: BotRateLimiter;
  log: Logger;
  /** GATEWAY_BODY_LIMIT: the largest body, uploads included. */
  bodyLimit: string;
  shutdown: AbortSignal;
  /** Large bodies and parked getUpdates, bounded per process. */
  limits: EdgeLimits;
}

const BOT_PATH = /^\/bot([^/]+)\/([^/]*)\/?$/;
const PLAIN_PATH = /^\/([^/]*)\/?$/;

/** The token in the path (if any) and the method name. */
function target(path: string): { token?: string; method: string } | undefined {
  const bot = BOT_PATH.exec(path);
  if (bot) {
    try {
      return { token: decodeURIComponent(bot[1]!), method: bot[2]! };
    } catch {
      return undefined;
    }
  }
  const plain = PLAIN_PATH.exec(path);
  return plain ? { method: plain[1]! } : undefined;
}

const run = (mw: RequestHandler, req: Request, res: Response) =>
  new Promise<void>((resolve, reject) =>
    mw(req, res, (err?: unknown) => (err instanceof Error ? reject(err) : resolve())),
  );

export function gatewayRouter(d: GatewayDeps): Router {
  const r = Router();
  const parsers = bodyParsers(d.bodyLimit);
  const limitBytes = sizeToBytes(d.bodyLimit);
  const onError = gatewayErrorHandler(d.log);
  const getUpdates = METHODS.get('getupdates');

  r.use('/file', fileRoutes(d.services, d.limiter));
  r.use(async (req, res) => {
    const t = target(req.path);
    const name = t?.method.toLowerCase();
    // Known names only: an arbitrary path must not become a metrics label.
    routeAs(res, (name && METHOD_NAMES.get(name)) ?? 'unknown');
    const token = t?.token ?? bearerToken(req.get('authorization'));
    if (!token) throw appError('missing_bot_token');
    const bot = await d.services.bots.authenticate(token);
    await d.limiter.consume(bot.id, 'gateway');
    if (t) noteMethod(req, t.method);
    const method = name === undefined ? undefined : METHODS.get(name);
    if (!method) throw appError('method_not_found');
    // The body is read only now, after the token and the rate limit.
    d.limits.admitBody(req, res);
    // Only getUpdates waits: the other methods need no poll slot, controller or listener.
    const parks = method === getUpdates;
    if (parks) d.limits.admitPoll(res);
    // The parser for the body's type only: the other would look, find nothing and pass.
    await run(parsers[isJson(req) ? 0 : 1], req, res);
    const style = t?.token ? 'telegram' : 'koto';
    const params = await withInternalIds(d.services, bot, style, await readParams(req, limitBytes));
    const signal = parks ? pollSignal(res, d.shutdown) : d.shutdown;
    const c: MethodContext = {
      bot,
      token,
      params,
      services: d.services,
      signal,
      style,
      ids: idShapes(style),
    };
    if (!parks) return sendJson(res, { ok: true, result: await method(c) });
    // Detached, as the Quanta poll and the feed are: a parked getUpdates holds no Express
    // routing state, no frame of this handler and no promise (docs/performance.md).
    detached(
      req,
      res,
      (sink) => parkUpdates(c, sink),
      async (rows: UpdateRow[]) => sendJson(res, { ok: true, result: await tgUpdates(c, rows) }),
      onError,
    );
  });
  r.use(onError);
  return r;
}
