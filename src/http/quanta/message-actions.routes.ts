import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { chatActionBody, chatQuery } from '../../domain/chats/chats.schemas';
import {
  botEditBody,
  forwardBody,
  messageRef,
  replyMarkupBody,
  unpinBody,
} from '../../domain/messages/messages.schemas';
import { sendPollBody } from '../../domain/polls/polls.schemas';
import { botReactionBody } from '../../domain/reactions/reactions.schemas';
import { parse } from '../../domain/validation';
import { botOf } from '../context';
import { toMessengerMessage } from '../messenger/message-view';
import { toBotChat } from './chat-view';
import { sentView } from './sent-view';
import { op } from '../openapi/operation';
import { chat, message, okAnswer, sent } from '../openapi/wire';

const refOf = (b: z.infer<typeof messageRef>) => ({ chatId: b.chat_id, messageId: b.message_id });

/**
 * Quanta dialect: what a bot does with messages and chats beyond sending text — the Koto
 * reference's methods with `content` for `text`.
 */
export function messageActionRoutes(s: Services): Router {
  const r = Router();
  r.post('/edit-message', async (req, res) => {
    const bot = botOf(req);
    const b = parse(botEditBody, req.body);
    const edited = await s.edits.editAsBot(bot, refOf(b), b.content, b.payload);
    res.json({ ok: true, message: toMessengerMessage(edited) });
  });
  r.post('/edit-reply-markup', async (req, res) => {
    const bot = botOf(req);
    const b = parse(replyMarkupBody, req.body);
    const edited = await s.edits.editReplyMarkup(bot, refOf(b), b.buttons);
    // A managed bot reads its own box (and a quoted one) opened, as everywhere.
    res.json({ ok: true, message: toMessengerMessage(await s.boxes.revealMessage(bot, edited)) });
  });
  r.post('/delete-message', async (req, res) => {
    const bot = botOf(req);
    await s.edits.deleteAsBot(bot, refOf(parse(messageRef, req.body)));
    res.json({ ok: true });
  });
  r.post('/forward-message', async (req, res) => {
    const bot = botOf(req);
    const b = parse(forwardBody, req.body);
    const message = await s.messages.sendAsBot(bot, b.chat_id, {
      content: b.content,
      payload: b.payload,
      // Forwards text with a "forwarded from" label; the bot's own name without `from`.
      forwardFrom: b.from ?? bot.name,
    });
    res.json(sentView(message));
  });
  r.post('/send-poll', async (req, res) => {
    const bot = botOf(req);
    const b = parse(sendPollBody, req.body);
    const message = await s.polls.send(bot, b.chat_id, {
      question: b.question,
      options: b.options,
      isAnonymous: b.is_anonymous,
      allowsMultipleAnswers: b.allows_multiple_answers,
      replyToId: b.reply_to_message_id,
    });
    res.json(sentView(message));
  });
  r.post('/pin-message', async (req, res) => {
    const bot = botOf(req);
    await s.pins.pin(bot, refOf(parse(messageRef, req.body)));
    res.json({ ok: true });
  });
  r.post('/unpin-message', async (req, res) => {
    const bot = botOf(req);
    const b = parse(unpinBody, req.body);
    await s.pins.unpin(bot, b.chat_id, b.message_id);
    res.json({ ok: true });
  });
  r.post('/set-reaction', async (req, res) => {
    const bot = botOf(req);
    const b = parse(botReactionBody, req.body);
    const message = await s.reactions.setAsBot(bot, refOf(b), b.emoji, b.add);
    res.json({ ok: true, message: toMessengerMessage(await s.boxes.revealMessage(bot, message)) });
  });
  r.post('/send-chat-action', async (req, res) => {
    const bot = botOf(req);
    const b = parse(chatActionBody, req.body);
    await s.chatActions.send(bot, b.chat_id, b.action);
    res.json({ ok: true });
  });
  r.get('/chat', async (req, res) => {
    const bot = botOf(req);
    const { chat_id } = parse(chatQuery, req.query);
    const found = await s.chats.getForBot(bot, chat_id);
    // A managed bot reads its pinned box opened, as it reads its updates.
    const pinned = found.pinned && (await s.boxes.revealMessage(bot, found.pinned));
    res.json({ chat: toBotChat({ ...found, pinned }, bot.userId) });
  });
  return r;
}

const withMessage = z.object({ ok: z.literal(true), message });

/** OpenAPI registrations of the routes above (relative to /api/v1/bot). */
export const messageActionDocs = [
  op('post', '/edit-message', 'bot', "Edit the bot's message", {
    body: botEditBody,
    answers: { 200: { description: 'The message', schema: withMessage } },
  }),
  op('post', '/edit-reply-markup', 'bot', "Replace a message's buttons", {
    body: replyMarkupBody,
    answers: { 200: { description: 'The message', schema: withMessage } },
  }),
  op('post', '/delete-message', 'bot', "Delete the bot's message", {
    body: messageRef,
    answers: { 200: { description: 'Deleted', schema: okAnswer } },
  }),
  op('post', '/forward-message', 'bot', 'Send text labelled "forwarded from"', {
    body: forwardBody,
    answers: { 200: { description: 'The message', schema: sent } },
  }),
  op('post', '/send-poll', 'bot', 'Send a poll', {
    body: sendPollBody,
    answers: { 200: { description: 'The message', schema: sent } },
  }),
  op('post', '/pin-message', 'bot', 'Pin a message', {
    body: messageRef,
    answers: { 200: { description: 'Pinned', schema: okAnswer } },
  }),
  op('post', '/unpin-message', 'bot', 'Unpin (that message, or whatever is pinned)', {
    body: unpinBody,
    answers: { 200: { description: 'Unpinned', schema: okAnswer } },
  }),
  op('post', '/set-reaction', 'bot', 'React to a message (add: false removes)', {
    body: botReactionBody,
    answers: { 200: { description: 'The message', schema: withMessage } },
  }),
  op('post', '/send-chat-action', 'bot', 'Show "typing…" and the like', {
    body: chatActionBody,
    answers: { 200: { description: 'Shown', schema: okAnswer } },
  }),
  op('get', '/chat', 'bot', 'A chat the bot is in', {
    query: chatQuery,
    answers: { 200: { description: 'The chat', schema: z.object({ chat }) } },
  }),
];
