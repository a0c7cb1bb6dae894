import { Router, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { parse } from '../../domain/validation';
import { openWebAppBody, webAppDataBody } from '../../domain/webapps/webapps.schemas';
import { userOf } from '../context';
import { toMessengerMessage } from './message-view';
import { op } from '../openapi/operation';
import { z } from 'zod';

/**
 * The messenger host's side of mini apps: init data for an app it opens, and the app's
 * sendData. Both count as the person's writes (`limitWrites`), which bounds the signatures
 * made and the used query ids kept.
 */
export function webAppRoutes(s: Services, limitWrites: RequestHandler): Router {
  const r = Router();
  r.post('/chats/:chat_id/webapp', limitWrites, async (req, res) => {
    const user = userOf(req);
    const opened = await s.webApps.open(
      user,
      String(req.params.chat_id),
      parse(openWebAppBody, req.body),
    );
    res.json({ url: opened.url, init_data: opened.initData });
  });
  r.post('/chats/:chat_id/webapp-data', limitWrites, async (req, res) => {
    const user = userOf(req);
    const body = parse(webAppDataBody, req.body);
    const message = await s.webApps.receiveData(user, String(req.params.chat_id), body);
    res.status(201).json({ message: toMessengerMessage(message) });
  });
  return r;
}

/** OpenAPI registrations of `webAppRoutes` (relative to /api/v1). */
export const webAppDocs = [
  op(
    'post',
    '/chats/:chat_id/webapp',
    'jwt',
    "Open a bot's mini app: its URL and signed init data",
    {
      body: openWebAppBody,
      answers: {
        200: {
          description: 'Where to load it and what to hand it',
          schema: z.object({ url: z.string(), init_data: z.string() }),
        },
      },
    },
  ),
  op(
    'post',
    '/chats/:chat_id/webapp-data',
    'jwt',
    "A mini app's sendData, as a message to its bot",
    {
      body: webAppDataBody,
      answers: {
        200: { description: 'The message the bot receives', schema: z.object({}).loose() },
      },
    },
  ),
];
