import { z } from 'zod';
import { Router, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { userEditBody } from '../../domain/messages/messages.schemas';
import { voteBody } from '../../domain/polls/polls.schemas';
import { userReactionBody } from '../../domain/reactions/reactions.schemas';
import { parse } from '../../domain/validation';
import { userOf } from '../context';
import { streamMedia } from '../media-response';
import { toMessengerMessage, toPollView } from './message-view';
import { op } from '../openapi/operation';
import { message, poll } from '../openapi/wire';

const refOf = (p: Record<string, string | string[]>) => ({
  chatId: String(p.chat_id),
  messageId: String(p.message_id),
});

/** The messenger's user side beyond posting: edit, delete, react, vote, fetch media. */
export function messageActionRoutes(s: Services, limitWrites: RequestHandler): Router {
  // Every write here reaches each member's feed: each counts against the writer's limit.
  const r = Router();

  r.patch('/chats/:chat_id/messages/:message_id', limitWrites, async (req, res) => {
    const user = userOf(req);
    const b = parse(userEditBody, req.body);
    const message = await s.edits.editAsUser(user, refOf(req.params), b.content, b.payload);
    res.json({ message: toMessengerMessage(message) });
  });
  r.delete('/chats/:chat_id/messages/:message_id', limitWrites, async (req, res) => {
    const user = userOf(req);
    await s.edits.deleteAsUser(user, refOf(req.params));
    res.status(204).end();
  });
  r.post('/chats/:chat_id/messages/:message_id/reactions', limitWrites, async (req, res) => {
    const user = userOf(req);
    const { emoji } = parse(userReactionBody, req.body);
    const message = await s.reactions.setAsUser(user, refOf(req.params), emoji, true);
    res.json({ message: toMessengerMessage(message) });
  });
  // The emoji may come in the body or, for clients that send no body with DELETE, the query
  // (parsed whole, so an unknown parameter is refused there as in a body).
  r.delete('/chats/:chat_id/messages/:message_id/reactions', limitWrites, async (req, res) => {
    const user = userOf(req);
    const body = req.body as { emoji?: unknown } | undefined;
    const { emoji } = parse(userReactionBody, body?.emoji === undefined ? req.query : body);
    const message = await s.reactions.setAsUser(user, refOf(req.params), emoji, false);
    res.json({ message: toMessengerMessage(message) });
  });
  r.post('/chats/:chat_id/polls/:message_id/votes', limitWrites, async (req, res) => {
    const user = userOf(req);
    const { option_ids } = parse(voteBody, req.body);
    const { chatId, messageId } = refOf(req.params);
    const poll = await s.polls.vote(user, chatId, messageId, option_ids);
    res.json({ poll: toPollView(poll) });
  });
  r.get('/media/:media_id', async (req, res) => {
    const user = userOf(req);
    await streamMedia(req, res, await s.media.open(user.id, req.params.media_id));
  });
  return r;
}

/** OpenAPI registrations of the routes above (relative to /api/v1). */
export const messageActionDocs = [
  op('patch', '/chats/:chat_id/messages/:message_id', 'jwt', 'Edit my message', {
    body: userEditBody,
    answers: { 200: { description: 'The message', schema: z.object({ message }) } },
  }),
  op('delete', '/chats/:chat_id/messages/:message_id', 'jwt', 'Delete my message', {
    answers: { 204: { description: 'Deleted' } },
  }),
  op('post', '/chats/:chat_id/messages/:message_id/reactions', 'jwt', 'React with an emoji', {
    body: userReactionBody,
    answers: { 200: { description: 'The message', schema: z.object({ message }) } },
  }),
  op('delete', '/chats/:chat_id/messages/:message_id/reactions', 'jwt', 'Take a reaction back', {
    query: userReactionBody,
    answers: { 200: { description: 'The message', schema: z.object({ message }) } },
  }),
  op('post', '/chats/:chat_id/polls/:message_id/votes', 'jwt', 'Vote ([] retracts)', {
    body: voteBody,
    answers: { 200: { description: 'The poll', schema: z.object({ poll }) } },
  }),
  op('get', '/media/:media_id', 'jwt', "A photo's or document's bytes", {
    answers: { 200: { description: 'The bytes', contentType: 'application/octet-stream' } },
  }),
];
