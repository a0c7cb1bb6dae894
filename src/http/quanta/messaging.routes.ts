import { Router, type ErrorRequestHandler } from 'express';
import type { Services } from '../../services';
import { requirePermission } from '../../domain/bots/bots.service';
import { pollOptions, toQuantaUpdate } from '../../domain/updates/updates.service';
import { botOf } from '../context';
import { detached, pollSignal } from '../long-poll';

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
    // Synchronous: what throws here reaches the error handler through Express as usual.
    const bot = botOf(req);
    requirePermission(bot, 'read_messages');
    const opts = pollOptions(req.query, 30);
    const polled = s.updates.poll(bot.id, opts, pollSignal(res, shutdown));
    const answer = polled.then((updates) => {
      res.json({ updates: updates.map(toQuantaUpdate) });
    });
    detached(req, res, answer, onError);
  });
  r.post('/send-message', async (req, res) => {
    const message = await s.messages.postAsBot(botOf(req), req.body);
    res.json({ ok: true, message_id: message.id, message });
  });
  r.post('/answer-callback', async (req, res) => {
    res.json({ ok: true, ...(await s.callbacks.answer(botOf(req), req.body)) });
  });
  return r;
}
