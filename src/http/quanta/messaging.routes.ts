import { Router } from 'express';
import type { Services } from '../../services';
import { requirePermission } from '../../domain/bots/bots.service';
import { pollOptions, toQuantaUpdate } from '../../domain/updates/updates.service';
import { requireBot } from '../auth';
import { botOf } from '../context';
import { pollSignal } from '../long-poll';

/** Quanta dialect: updates long-poll, send-message, answer-callback. */
export function messagingRoutes(s: Services, shutdown: AbortSignal): Router {
  const r = Router();
  const asBot = requireBot(s.bots);

  r.get('/updates', asBot, async (req, res) => {
    const bot = botOf(req);
    requirePermission(bot, 'read_messages');
    const opts = pollOptions(req.query, 30);
    const updates = await s.updates.poll(bot.id, opts, pollSignal(res, shutdown));
    res.json({ updates: updates.map(toQuantaUpdate) });
  });
  r.post('/send-message', asBot, async (req, res) => {
    const message = await s.messages.postAsBot(botOf(req), req.body);
    res.json({ ok: true, message_id: message.id, message });
  });
  r.post('/answer-callback', asBot, async (req, res) => {
    res.json({ ok: true, ...(await s.callbacks.answer(botOf(req), req.body)) });
  });
  return r;
}
