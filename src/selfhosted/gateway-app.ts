// The self-hosted gateway (ROLE=gateway): the Telegram-style bot API served locally for
// self-custody bots, on top of the platform's public Quanta bot API. Boxes come down with
// getUpdates and are opened here with the bot's key from BOT_KEYS_FILE; what the bot sends is
// sealed here to the chat's keys before it goes up. The platform never sees the plaintext.
// Methods: methods.ts. Answers and failures are Telegram's envelope, as the platform's gateway
// words them (http/gateway/envelope.ts).
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError, appError } from '../domain/errors';
import { failureOf, sendFailure, toFailure, type Failure } from '../http/gateway/envelope';
import { bodyParsers, readParams } from '../http/gateway/params';
import type { PublicBot } from '../http/quanta/bot-view';
import type { BotKeys } from './bot-keys';
import { selfHostedMethods, type SelfHostedMethod } from './methods';
import { LocalRecords } from './quanta-records';
import type { BotIdentity } from './sealing';
import { Upstream, UpstreamError } from './upstream';

const TOKEN = /^(\d{1,19}):[A-Za-z0-9_-]+$/;
/** Uploads (sendPhoto, sendDocument) are held in memory before they are sealed. */
const MAX_BODY = '25mb';
const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Bots whose identity (/me) is remembered; a token the platform refuses is forgotten. */
const MAX_BOTS = 10_000;

export function selfHostedGateway(upstreamUrl: string, keys: BotKeys, log: Logger) {
  const upstream = new Upstream(upstreamUrl);
  const records = new LocalRecords();
  const methods = selfHostedMethods(upstream, records);
  const byName = new Map<string, SelfHostedMethod>(
    Object.entries(methods).map(([name, fn]) => [name.toLowerCase(), fn]),
  );
  const served = Object.keys(methods).join(', ');
  const identities = new Map<string, Promise<BotIdentity>>();

  /** The bot behind a token, as the platform knows it (its user id opens group boxes). */
  const identity = (token: string): Promise<BotIdentity> => {
    let found = identities.get(token);
    if (!found) {
      found = upstream.call<{ bot: PublicBot }>(token, 'GET', '/me').then(({ bot }) => ({
        userId: bot.user_id,
        username: bot.username,
        name: bot.name,
        publicKey: bot.public_key,
        webappUrl: bot.webapp_url,
      }));
      found.catch(() => identities.delete(token));
      identities.set(token, found);
      if (identities.size > MAX_BOTS) identities.delete(identities.keys().next().value!);
    }
    return found;
  };

  const failure = (err: unknown, method: string): Failure => {
    if (err instanceof AppError) return toFailure(err, method);
    if (err instanceof UpstreamError) {
      // Telegram reports what names nothing as 400, keeping 404 for an unknown method.
      const status = err.status === 404 ? 400 : err.status;
      return failureOf(status, err.description, err.retryAfter);
    }
    log.error({ err: (err as Error).message, method }, 'self-hosted gateway call failed');
    // fetch's own failure: the platform did not answer at all.
    const unreachable = err instanceof TypeError && err.message === 'fetch failed';
    return unreachable
      ? failureOf(502, 'the platform could not be reached')
      : toFailure(appError('internal'), method);
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(bodyParsers(MAX_BODY));
  app.all('/bot:token/:method', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const method = String(req.params.method).slice(0, 64);
    try {
      const botId = TOKEN.exec(token)?.[1];
      const secret = botId === undefined ? undefined : keys.secretOf(botId);
      if (!secret) throw appError('invalid_bot_token');
      const handler = byName.get(method.toLowerCase());
      if (!handler) {
        sendFailure(
          res,
          failureOf(
            501,
            `${method} is not relayed by the self-hosted gateway (it serves ${served})`,
          ),
        );
        return;
      }
      // A client that hangs up (a stopping bot) ends the long poll upstream too, so its next
      // poll is not queued behind this one.
      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableEnded) gone.abort();
      });
      const params = await readParams(req, MAX_BODY_BYTES);
      const bot = await identity(token);
      const result = await handler({ token, secret, bot, params, signal: gone.signal });
      res.json({ ok: true, result });
    } catch (err) {
      if (!res.headersSent) sendFailure(res, failure(err, method));
    }
  });
  // A body the parsers refuse (bad JSON, too large) in the same envelope.
  app.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status;
    if (res.headersSent) return;
    sendFailure(
      res,
      status === 413
        ? toFailure(appError('body_too_large'))
        : toFailure(appError('malformed_json')),
    );
  });
  return app;
}
