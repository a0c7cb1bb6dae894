import { Router, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { parse } from '../../domain/validation';
import { openWebAppBody, webAppDataBody } from '../../domain/webapps/webapps.schemas';
import { userOf } from '../context';
import { toMessengerMessage } from './message-view';

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
