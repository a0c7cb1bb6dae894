// File downloads, as Telegram serves them: `GET /file/bot<token>/<file_path>` with the path
// getFile gave (Koto form: `/file/<file_path>` with the token as Bearer). The token is
// checked and counted like a method call; only a member of the file's chat gets the bytes,
// which are streamed a slice at a time whatever the size.
import { Router } from 'express';
import { appError } from '../../domain/errors';
import type { Services } from '../../services';
import { bearerToken } from '../auth';
import { sendMedia, streamMedia } from '../media-response';
import type { BotRateLimiter } from '../rate-limit';
import { routeAs } from '../request-log';
import { noteMethod } from './envelope';

/** The method name download errors are worded for (error-wording.ts). */
export const DOWNLOAD = 'file';

const WITH_TOKEN = /^\/bot([^/]+)\/(?:photos|documents)\/([^/]+)$/;
const PLAIN = /^\/(?:photos|documents)\/([^/]+)$/;

export function fileRoutes(services: Services, limiter: BotRateLimiter): Router {
  const r = Router();
  // Middleware, not a route: the gateway has no routes of its own, only the method table.
  r.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    routeAs(res, 'file');
    noteMethod(req, DOWNLOAD);
    const withToken = WITH_TOKEN.exec(req.path);
    const plain = withToken ? undefined : PLAIN.exec(req.path);
    let token: string | undefined;
    try {
      token = withToken ? decodeURIComponent(withToken[1]!) : bearerToken(req.get('authorization'));
    } catch {
      token = undefined;
    }
    if (!token) throw appError('missing_bot_token');
    const bot = await services.bots.authenticate(token);
    await limiter.consume(bot.id, 'gateway');
    const mediaId = withToken?.[2] ?? plain?.[1];
    if (!mediaId) throw appError('media_not_found');
    const file = await services.media.open(bot.userId, mediaId);
    // A managed bot gets an encrypted chat's file opened, as it gets the text.
    const opened = await services.boxes.openMediaStream(bot, file);
    if (opened) sendMedia(res, opened);
    else await streamMedia(req, res, file);
  });
  return r;
}
