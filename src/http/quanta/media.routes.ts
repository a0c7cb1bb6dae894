import { Router } from 'express';
import type { Services } from '../../services';
import { botOf } from '../context';
import { sendMedia } from '../media-response';

/** Quanta dialect: photos and documents, inline base64 in, bytes out to member bots. */
export function mediaRoutes(s: Services): Router {
  const r = Router();
  r.post('/send-photo', async (req, res) => {
    const message = await s.messages.sendPhoto(botOf(req), req.body);
    res.json({ ok: true, message_id: message.id, message });
  });
  r.post('/send-document', async (req, res) => {
    const message = await s.messages.sendDocument(botOf(req), req.body);
    res.json({ ok: true, message_id: message.id, message });
  });
  r.get('/media/:media_id', async (req, res) => {
    sendMedia(res, await s.media.read(botOf(req).userId, req.params.media_id as string));
  });
  return r;
}
