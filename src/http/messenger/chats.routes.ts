import { Router } from 'express';
import type { Services } from '../../services';
import { userOf } from '../context';
import { pollSignal } from '../long-poll';

/** The messenger's user side: chats, messages, button taps, the event feed. */
export function messengerRoutes(s: Services, shutdown: AbortSignal): Router {
  const r = Router();

  r.post('/chats', async (req, res) => {
    const { chat, created } = await s.chats.open(userOf(req), req.body);
    res.status(created ? 201 : 200).json({ chat });
  });
  r.get('/chats', async (req, res) => {
    res.json({ chats: await s.chats.list(userOf(req)) });
  });
  r.get('/chats/:chat_id', async (req, res) => {
    res.json({ chat: await s.chats.get(userOf(req), req.params.chat_id as string) });
  });
  r.post('/chats/:chat_id/members', async (req, res) => {
    const chat = await s.chats.addMember(userOf(req), req.params.chat_id as string, req.body);
    res.json({ chat });
  });
  r.get('/chats/:chat_id/messages', async (req, res) => {
    const messages = await s.messages.list(userOf(req), req.params.chat_id as string, req.query);
    res.json({ messages });
  });
  r.post('/chats/:chat_id/messages', async (req, res) => {
    const message = await s.messages.postAsUser(
      userOf(req),
      req.params.chat_id as string,
      req.body,
    );
    res.status(201).json({ message });
  });
  r.post('/chats/:chat_id/messages/:message_id/callback', async (req, res) => {
    const { chat_id, message_id } = req.params as Record<string, string>;
    const id = await s.callbacks.tap(userOf(req), chat_id!, message_id!, req.body);
    res.status(202).json({ callback_id: id });
  });
  r.get('/callbacks/:callback_id', async (req, res) => {
    res.json(await s.callbacks.get(userOf(req), req.params.callback_id as string));
  });
  r.get('/events', async (req, res) => {
    const user = userOf(req);
    res.json(await s.events.poll(user.id, req.query, pollSignal(res, shutdown)));
  });
  return r;
}
