import { Router } from 'express';
import type { Services } from '../../services';
import { botOf } from '../context';

/**
 * Quanta dialect: what a bot does with messages and chats beyond sending text — the Koto
 * reference's methods with `content` for `text`.
 */
export function messageActionRoutes(s: Services): Router {
  const r = Router();
  r.post('/edit-message', async (req, res) => {
    res.json({ ok: true, message: await s.edits.editAsBot(botOf(req), req.body) });
  });
  r.post('/edit-reply-markup', async (req, res) => {
    res.json({ ok: true, message: await s.edits.editReplyMarkup(botOf(req), req.body) });
  });
  r.post('/delete-message', async (req, res) => {
    await s.edits.deleteAsBot(botOf(req), req.body);
    res.json({ ok: true });
  });
  r.post('/forward-message', async (req, res) => {
    const message = await s.messages.forward(botOf(req), req.body);
    res.json({ ok: true, message_id: message.id, message });
  });
  r.post('/send-poll', async (req, res) => {
    const message = await s.polls.send(botOf(req), req.body);
    res.json({ ok: true, message_id: message.id, message });
  });
  r.post('/pin-message', async (req, res) => {
    await s.pins.pin(botOf(req), req.body);
    res.json({ ok: true });
  });
  r.post('/unpin-message', async (req, res) => {
    await s.pins.unpin(botOf(req), req.body);
    res.json({ ok: true });
  });
  r.post('/set-reaction', async (req, res) => {
    res.json({ ok: true, message: await s.reactions.setAsBot(botOf(req), req.body) });
  });
  r.post('/send-chat-action', async (req, res) => {
    await s.chatActions.send(botOf(req), req.body);
    res.json({ ok: true });
  });
  r.get('/chat', async (req, res) => {
    res.json({ chat: await s.chats.getForBot(botOf(req), req.query) });
  });
  return r;
}
