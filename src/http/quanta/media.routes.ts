import { Router } from 'express';
import type { Services } from '../../services';
import { sendDocumentBody, sendPhotoBody } from '../../domain/messages/messages.schemas';
import { parse } from '../../domain/validation';
import { botOf } from '../context';
import { sendMedia, streamMedia } from '../media-response';
import { sentView } from './sent-view';
import { op } from '../openapi/operation';
import { sent } from '../openapi/wire';

/** Quanta dialect: photos and documents, inline base64 in, bytes out to member bots. */
export function mediaRoutes(s: Services): Router {
  const r = Router();
  r.post('/send-photo', async (req, res) => {
    const bot = botOf(req);
    const b = parse(sendPhotoBody, req.body);
    const message = await s.messages.sendAsBot(bot, b.chat_id, {
      // The caption is the message's content (empty without one).
      content: b.caption ?? '',
      payload: b.payload,
      replyToId: b.reply_to_message_id,
      media: {
        field: 'photo',
        kind: 'photo',
        base64: b.photo,
        mime: b.mime,
        width: b.w,
        height: b.h,
      },
    });
    res.json(sentView(message));
  });
  r.post('/send-document', async (req, res) => {
    const bot = botOf(req);
    const b = parse(sendDocumentBody, req.body);
    const message = await s.messages.sendAsBot(bot, b.chat_id, {
      content: b.caption ?? '',
      payload: b.payload,
      replyToId: b.reply_to_message_id,
      media: {
        field: 'document',
        kind: 'document',
        base64: b.document,
        mime: b.mime,
        fileName: b.file_name,
        declaredSize: b.size,
      },
    });
    res.json(sentView(message));
  });
  r.get('/media/:media_id', async (req, res) => {
    const bot = botOf(req);
    const file = await s.media.open(bot.userId, req.params.media_id);
    // A managed bot gets an encrypted chat's file opened, as it gets the text.
    const opened = await s.boxes.openMediaStream(bot, file);
    if (opened) sendMedia(res, opened);
    else await streamMedia(req, res, file);
  });
  return r;
}

/** OpenAPI registrations of the routes above (relative to /api/v1/bot). */
export const mediaDocs = [
  op('post', '/send-photo', 'bot', 'Send a photo (base64)', {
    body: sendPhotoBody,
    answers: { 200: { description: 'The message', schema: sent } },
  }),
  op('post', '/send-document', 'bot', 'Send a document (base64)', {
    body: sendDocumentBody,
    answers: { 200: { description: 'The message', schema: sent } },
  }),
  op('get', '/media/:media_id', 'bot', "A photo's or document's bytes", {
    answers: { 200: { description: 'The bytes', contentType: 'application/octet-stream' } },
  }),
];
