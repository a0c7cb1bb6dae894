import { Router } from 'express';
import type { Services } from '../../services';
import { addMemberBody, openChatBody } from '../../domain/chats/chats.schemas';
import { feedQuery } from '../../domain/events/events.schemas';
import { appError } from '../../domain/errors';
import { userMediaDraft } from '../../domain/media/media.schemas';
import { listQuery, tapBody, userMessageBody } from '../../domain/messages/messages.schemas';
import { parse } from '../../domain/validation';
import { userOf } from '../context';
import { pollSignal } from '../long-poll';
import { toCallbackState } from './callback-view';
import { toChatView } from './chat-view';
import { toMessengerEvent } from './event-view';
import { toMessengerMessage } from './message-view';

/** The messenger's user side: chats, messages, button taps, the event feed. */
export function messengerRoutes(s: Services, shutdown: AbortSignal): Router {
  const r = Router();

  r.post('/chats', async (req, res) => {
    const user = userOf(req);
    const { chat, created } = await s.chats.open(user, parse(openChatBody, req.body));
    res.status(created ? 201 : 200).json({ chat: toChatView(chat, user.id) });
  });
  r.get('/chats', async (req, res) => {
    const user = userOf(req);
    const chats = await s.chats.list(user);
    res.json({ chats: chats.map((c) => toChatView(c, user.id)) });
  });
  r.get('/chats/:chat_id', async (req, res) => {
    const user = userOf(req);
    const chat = await s.chats.get(user, req.params.chat_id);
    res.json({ chat: toChatView(chat, user.id) });
  });
  r.post('/chats/:chat_id/members', async (req, res) => {
    const user = userOf(req);
    const body = parse(addMemberBody, req.body);
    const chat = await s.chats.addMember(user, req.params.chat_id, body);
    res.json({ chat: toChatView(chat, user.id) });
  });
  r.get('/chats/:chat_id/messages', async (req, res) => {
    const user = userOf(req);
    const q = parse(listQuery, req.query);
    const messages = await s.messages.list(user, req.params.chat_id, q);
    res.json({ messages: messages.map(toMessengerMessage) });
  });
  r.post('/chats/:chat_id/messages', async (req, res) => {
    const user = userOf(req);
    const b = parse(userMessageBody, req.body);
    // Content is required, except with media, where it is the optional caption.
    if (b.content === undefined && !b.media) throw appError('missing_field', { field: 'content' });
    const message = await s.messages.sendAsUser(user, req.params.chat_id, {
      content: b.content ?? '',
      payload: b.payload,
      replyToId: b.reply_to_message_id,
      media: b.media && userMediaDraft(b.media),
    });
    res.status(201).json({ message: toMessengerMessage(message) });
  });
  r.post('/chats/:chat_id/messages/:message_id/callback', async (req, res) => {
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
  r.get('/events', async (req, res) => {
    const user = userOf(req);
    const q = parse(feedQuery, req.query);
    const feed = await s.events.poll(
      user.id,
      { after: q.after, timeoutS: q.timeout },
      pollSignal(res, shutdown),
    );
    res.json({ events: feed.events.map(toMessengerEvent), cursor: feed.cursor });
  });
  return r;
}
