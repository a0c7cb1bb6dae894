import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Services } from '../../services';
import { openChatBody, readBody } from '../../domain/chats/chats.schemas';
import type { EventRow } from '../../domain/events/events.repository';
import { feedQuery } from '../../domain/events/events.schemas';
import { appError } from '../../domain/errors';
import { userMediaDraft } from '../../domain/media/media.schemas';
import { listQuery, tapBody, userMessageBody } from '../../domain/messages/messages.schemas';
import { pageQuery } from '../../domain/pagination';
import { parse } from '../../domain/validation';
import { userOf } from '../context';
import { detached, pollSignal } from '../long-poll';
import { toCallbackState } from './callback-view';
import { toChatView } from './chat-view';
import { toMessengerEvent } from './event-view';
import { toMessengerMessage } from './message-view';
import { z } from 'zod';
import { op } from '../openapi/operation';
import { callbackState, chat, event, message, page } from '../openapi/wire';

/**
 * The messenger's user side: chats, messages, button taps, the event feed. `limitWrites`
 * counts each person's message writes (http/rate-limit.ts).
 */
export function messengerRoutes(
  s: Services,
  shutdown: AbortSignal,
  limitWrites: RequestHandler,
  /** The messenger's error handler: the parked feed reports to it directly (`detached`). */
  onError: ErrorRequestHandler,
): Router {
  const r = Router();

  r.post('/chats', async (req, res) => {
    const user = userOf(req);
    const body = parse(openChatBody, req.body);
    const { chat, created } =
      'bot_id' in body
        ? await s.chats.openPrivate(user, body.bot_id)
        : 'username' in body
          ? await s.chats.openByUsername(user, body.username)
          : { chat: await s.groups.create(user, body), created: true };
    res.status(created ? 201 : 200).json({ chat: toChatView(chat, user.id) });
  });
  // Newest first, a page at a time; `chats` as before, `next_cursor` for the next page.
  r.get('/chats', async (req, res) => {
    const user = userOf(req);
    const page = await s.chats.list(user, parse(pageQuery, req.query));
    const summaries = await s.readMarkers.summaries(
      user.id,
      page.items.map((c) => c.id),
    );
    res.json({
      chats: page.items.map((c) => toChatView(c, user.id, summaries.get(c.id))),
      next_cursor: page.nextCursor,
    });
  });
  r.get('/chats/:chat_id', async (req, res) => {
    const user = userOf(req);
    const chat = await s.chats.get(user, req.params.chat_id);
    const summaries = await s.readMarkers.summaries(user.id, [chat.id]);
    res.json({ chat: toChatView(chat, user.id, summaries.get(chat.id)) });
  });
  // Read up to a message: the marker only moves forward; answers the unread count left.
  r.post('/chats/:chat_id/read', async (req, res) => {
    const user = userOf(req);
    const { message_id } = parse(readBody, req.body);
    const summary = await s.readMarkers.markRead(user, String(req.params.chat_id), message_id);
    res.json({ unread_count: summary.unreadCount });
  });
  r.get('/chats/:chat_id/messages', async (req, res) => {
    const user = userOf(req);
    const q = parse(listQuery, req.query);
    const messages = await s.messages.list(user, req.params.chat_id, q);
    res.json({ messages: messages.map(toMessengerMessage) });
  });
  r.post('/chats/:chat_id/messages', limitWrites, async (req, res) => {
    const user = userOf(req);
    const b = parse(userMessageBody, req.body);
    // Content is required, except with media, where it is the optional caption.
    if (b.content === undefined && !b.media) throw appError('missing_field', { field: 'content' });
    const message = await s.messages.sendAsUser(user, String(req.params.chat_id), {
      content: b.content ?? '',
      payload: b.payload,
      replyToId: b.reply_to_message_id,
      media: b.media && userMediaDraft(b.media),
    });
    res.status(201).json({ message: toMessengerMessage(message) });
  });
  r.post('/chats/:chat_id/messages/:message_id/callback', limitWrites, async (req, res) => {
    const user = userOf(req);
    const { chat_id, message_id } = req.params as Record<string, string>;
    const { callback_data } = parse(tapBody, req.body);
    const id = await s.callbacks.tap(user, chat_id!, message_id!, callback_data);
    res.status(202).json({ callback_id: id });
  });
  r.get('/callbacks/:callback_id', async (req, res) => {
    const user = userOf(req);
    const state = await s.callbacks.get(user, req.params.callback_id);
    res.json(toCallbackState(state));
  });
  r.get('/events', (req, res) => {
    const user = userOf(req);
    // Synchronous: what throws here reaches the error handler through Express as usual.
    const q = parse(feedQuery, req.query);
    const query = { after: q.after, timeoutS: q.timeout };
    const signal = pollSignal(res, shutdown);
    detached(
      req,
      res,
      (sink) => s.events.park(user.id, query, signal, sink),
      (rows: EventRow[]) => {
        const feed = s.events.feed(rows, query);
        res.json({ events: feed.events.map(toMessengerEvent), cursor: feed.cursor });
      },
      onError,
    );
  });
  return r;
}

/** OpenAPI registrations of the routes above (relative to /api/v1). */
export const chatDocs = [
  op(
    'post',
    '/chats',
    'jwt',
    'Open the private chat with a bot or a person (by id or username), or create a group',
    {
      body: openChatBody,
      answers: {
        200: { description: 'The private chat, already open', schema: z.object({ chat }) },
        201: { description: 'The new chat', schema: z.object({ chat }) },
      },
    },
  ),
  op('get', '/chats', 'jwt', 'My chats, newest first, a page at a time', {
    query: pageQuery,
    answers: { 200: { description: 'A page of chats', schema: page('chats', chat) } },
  }),
  op('get', '/chats/:chat_id', 'jwt', 'One chat', {
    answers: { 200: { description: 'The chat', schema: z.object({ chat }) } },
  }),
  op('post', '/chats/:chat_id/read', 'jwt', 'Mark the chat read up to a message', {
    body: readBody,
    answers: {
      200: {
        description: 'My unread count after the marker (a marker never moves back)',
        schema: z.object({ unread_count: z.number().int() }),
      },
    },
  }),
  op('get', '/chats/:chat_id/messages', 'jwt', "A chat's messages, newest last", {
    query: listQuery,
    answers: {
      200: { description: 'Messages', schema: z.object({ messages: z.array(message) }) },
    },
  }),
  op('post', '/chats/:chat_id/messages', 'jwt', 'Send a message (text, buttons, media)', {
    body: userMessageBody,
    answers: { 201: { description: 'The message', schema: z.object({ message }) } },
  }),
  op('post', '/chats/:chat_id/messages/:message_id/callback', 'jwt', 'Tap an inline button', {
    body: tapBody,
    answers: {
      202: {
        description: "The tap's id: poll GET /callbacks/{callback_id} for the answer",
        schema: z.object({ callback_id: z.string() }),
      },
    },
  }),
  op('get', '/callbacks/:callback_id', 'jwt', "A tap and the bot's answer", {
    answers: { 200: { description: 'The tap', schema: callbackState } },
  }),
  op('get', '/events', 'jwt', 'My feed: long-poll for what happened in my chats', {
    query: feedQuery,
    answers: {
      200: {
        description: 'Events after the cursor, and the next cursor',
        schema: z.object({ events: z.array(event), cursor: z.string() }),
      },
    },
  }),
];
