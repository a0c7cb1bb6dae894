import { Router, type ErrorRequestHandler } from 'express';
import type { Services } from '../../services';
import { appError } from '../../domain/errors';
import { answerCallbackBody, botMessageBody } from '../../domain/messages/messages.schemas';
import type { UpdateRow } from '../../domain/updates/update-row';
import { pollOptions, pollQuery } from '../../domain/updates/updates.service';
import { parse } from '../../domain/validation';
import { botOf } from '../context';
import { detached, pollSignal } from '../long-poll';
import { toCallbackState } from '../messenger/callback-view';
import { sentView } from './sent-view';
import { quantaUpdates } from './update-view';
import { sendJson } from '../send-json';
import { z } from 'zod';
import { op } from '../openapi/operation';
import { callbackState, sent, update } from '../openapi/wire';

/**
 * Quanta dialect: updates long-poll, send-message, answer-callback. `onError` is the app's
 * error handler: a parked poll reports to it directly (see `detached`).
 */
export function messagingRoutes(
  s: Services,
  shutdown: AbortSignal,
  onError: ErrorRequestHandler,
): Router {
  const r = Router();
  r.get('/updates', (req, res) => {
    const bot = botOf(req);
    // Synchronous: what throws here reaches the error handler through Express as usual.
    const opts = pollOptions(parse(pollQuery, req.query), 30);
    const signal = pollSignal(res, shutdown);
    // A managed bot reads its boxes opened: on the fly, here, never stored.
    detached(
      req,
      res,
      (sink) => s.updates.park(bot, opts, signal, sink),
      async (rows: UpdateRow[]) => {
        sendJson(res, { updates: await quantaUpdates(s.boxes, bot, rows) });
      },
      onError,
    );
  });
  r.post('/send-message', async (req, res) => {
    const bot = botOf(req);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    // The reference's wording when either is missing or empty.
    if (raw.chat_id === undefined || raw.content === undefined || raw.content === '') {
      throw appError('missing_fields', { field: 'chat_id and content' });
    }
    const b = parse(botMessageBody, raw);
    const message = await s.messages.sendAsBot(bot, b.chat_id, {
      content: b.content,
      payload: b.payload,
      replyToId: b.reply_to_message_id,
    });
    sendJson(res, sentView(message));
  });
  r.post('/answer-callback', async (req, res) => {
    const bot = botOf(req);
    const b = parse(answerCallbackBody, req.body);
    const answer = await s.callbacks.answer(bot, {
      callbackId: b.callback_id,
      text: b.text,
      showAlert: b.show_alert,
      chatId: b.chat_id,
      messageContent: b.message_content,
    });
    res.json({ ok: true, ...toCallbackState(answer) });
  });
  return r;
}

/** OpenAPI registrations of the routes above (relative to /api/v1/bot). */
export const messagingDocs = [
  op('get', '/updates', 'bot', 'Long-poll for updates (409 while a webhook is set)', {
    query: pollQuery,
    answers: {
      200: { description: 'Updates, oldest first', schema: z.object({ updates: z.array(update) }) },
    },
  }),
  op('post', '/send-message', 'bot', 'Send a message; buttons go in payload.buttons', {
    body: botMessageBody,
    answers: { 200: { description: 'The message', schema: sent } },
  }),
  op('post', '/answer-callback', 'bot', 'Answer a button tap', {
    body: answerCallbackBody,
    answers: {
      200: {
        description: 'The tap, answered',
        schema: callbackState.extend({ ok: z.literal(true) }),
      },
    },
  }),
];
