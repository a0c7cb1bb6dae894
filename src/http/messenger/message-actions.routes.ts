import { Router } from 'express';
import type { Services } from '../../services';
import { userOf } from '../context';
import { sendMedia } from '../media-response';

/** The messenger's user side beyond posting: edit, delete, react, vote, fetch media. */
export function messageActionRoutes(s: Services): Router {
  const r = Router();
  const ids = (p: Record<string, string | string[]>) => [String(p.chat_id), String(p.message_id)];

  r.patch('/chats/:chat_id/messages/:message_id', async (req, res) => {
    const [chatId, messageId] = ids(req.params);
    const message = await s.edits.editAsUser(userOf(req), chatId!, messageId!, req.body);
    res.json({ message });
  });
  r.delete('/chats/:chat_id/messages/:message_id', async (req, res) => {
    const [chatId, messageId] = ids(req.params);
    await s.edits.deleteAsUser(userOf(req), chatId!, messageId!);
    res.status(204).end();
  });
  r.post('/chats/:chat_id/messages/:message_id/reactions', async (req, res) => {
    const [chatId, messageId] = ids(req.params);
    const message = await s.reactions.setAsUser(userOf(req), chatId!, messageId!, req.body, true);
    res.json({ message });
  });
  // The emoji may come in the body or, for clients that send no body with DELETE, the query.
  r.delete('/chats/:chat_id/messages/:message_id/reactions', async (req, res) => {
    const [chatId, messageId] = ids(req.params);
    const body = req.body as { emoji?: unknown } | undefined;
    const input = body?.emoji === undefined ? req.query : body;
    const message = await s.reactions.setAsUser(userOf(req), chatId!, messageId!, input, false);
    res.json({ message });
  });
  r.post('/chats/:chat_id/polls/:message_id/votes', async (req, res) => {
    const [chatId, messageId] = ids(req.params);
    res.json({ poll: await s.polls.vote(userOf(req), chatId!, messageId!, req.body) });
  });
  r.get('/media/:media_id', async (req, res) => {
    sendMedia(res, await s.media.read(userOf(req).id, req.params.media_id as string));
  });
  return r;
}
