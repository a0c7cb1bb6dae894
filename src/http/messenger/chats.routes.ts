import { Router } from 'express';
import type { Services } from '../../services';
import { requireUser } from '../auth';
import { userOf } from '../context';
import { pollSignal } from '../long-poll';

/** The messenger's user side: chats, messages, button taps, the event feed. */
export function messengerRoutes(s: Services, shutdown: AbortSignal): Router {
  const r = Router();
  const auth = requireUser(s.accounts);

  r.post('/chats', auth, async (req, res) => {
    const { chat, created } = await s.chats.open(userOf(req), req.body);
    res.status(created ? 201 : 200).json({ chat });
  });
  r.get('/chats', auth, async (req, res) => {
    res.json({ chats: await s.chats.list(userOf(req)) });
  });
  r.get('/chats/:chat_id', auth, async (req, res) => {
    res.json({ chat: await s.chats.get(userOf(req), req.params.chat_id as string) });
  });
  r.post('/chats/:chat_id/members', auth, async (req, res) => {
    const chat = await s.chats.addMember(userOf(req), req.params.chat_id as string, req.body);
    res.json({ chat });
  });
  r.get('/chats/:chat_id/messages', auth, async (req, res) => {
    const messages = await s.messages.list(userOf(req), req.params.chat_id as string, req.query);
    res.json({ messages });
  });
  r.post('/chats/:chat_id/messages', auth, async (req, res) => {
    const message = await s.messages.postAsUser(
      userOf(req),
      req.params.chat_id as string,
      req.body,
    );
    res.status(201).json({ message });
  });
  r.post('/chats/:chat_id/messages/:message_id/callback', auth, async (req, res) => {
    const { chat_id, message_id } = req.params as Record<string, string>;
    const id = await s.callbacks.tap(userOf(req), chat_id!, message_id!, req.body);
    res.status(202).json({ callback_id: id });
  });
  r.get('/callbacks/:callback_id', auth, async (req, res) => {
    res.json(await s.callbacks.get(userOf(req), req.params.callback_id as string));
  });
  r.get('/events', auth, async (req, res) => {
    const signal = pollSignal(res, shutdown);
    res.json(await s.events.poll(userOf(req).id, req.query, signal));
  });
  return r;
}
