// Webhooks set through the gateway: Telegram-shaped Updates POSTed with the Standard
// Webhooks signatures and the secret token headers; a method call in the reply body is run;
// and library webhook handlers (grammY's webhookCallback checking the secret token,
// telegraf's webhook reply) receiving real deliveries.
import { tgIdOf } from '../support/internals';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { Bot, webhookCallback } from 'grammy';
import { Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import { bearer, botAuth, say, userBotChat } from '../support/fixtures';
import { Receiver } from '../support/receiver';
import { botSaid, startListening, type Listening } from './support';

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(async () => {
  await p?.close();
});

/** Serve a library's webhook handler; a rejection it returns becomes a 500 (not unhandled). */
async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void,
) {
  const server = http
    .createServer((req, res) => {
      void Promise.resolve(handler(req, res)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    })
    .listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('gateway webhooks', () => {
  it('POSTs the Telegram Update, signed, with the secret token; runs a method in the reply', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    const receiver = await Receiver.start();
    try {
      receiver.onRequest((r) => {
        const update = JSON.parse(r.body);
        const reply = {
          method: 'sendMessage',
          chat_id: update.message.chat.id,
          text: 'from the reply',
        };
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(reply),
        };
      });
      await supertest(p.apiRoot)
        .post(`/bot${bot.telegramToken}/setWebhook`)
        .send({ url: receiver.url, secret_token: 'shh_123' })
        .expect(200);
      await say(p.http, user, chatId, '/start hooked');
      const [got] = await receiver.waitFor(1);
      expect(got!.headers['x-telegram-bot-api-secret-token']).toBe('shh_123');
      expect(got!.headers['x-bot-webhook-secret']).toBe('shh_123');
      expect(got!.headers['webhook-signature']).toMatch(/v1,/);
      expect(got!.headers['webhook-id']).toBeDefined();
      expect(JSON.parse(got!.body)).toEqual({
        update_id: 1,
        message: {
          message_id: 1,
          date: expect.any(Number),
          // The Telegram form's integer ids (issue 14).
          chat: {
            id: await tgIdOf(p.platform, user.id),
            type: 'private',
            first_name: user.username,
          },
          from: {
            id: await tgIdOf(p.platform, user.id),
            is_bot: false,
            first_name: user.username,
            username: user.username,
          },
          text: '/start hooked',
          entities: [{ type: 'bot_command', offset: 0, length: 6 }],
        },
      });
      await botSaid(p.http, user, bot, chatId, 'from the reply');
    } finally {
      await receiver.close();
    }
  });

  it("grammY's webhookCallback receives signed deliveries and checks the secret token", async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new Bot(tb.telegramToken, { client: { apiRoot: p.apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(`Hooked: ${ctx.message.text}`));
    await bot.init();
    const server = await serve(webhookCallback(bot, 'http', { secretToken: 'right_token' }));
    try {
      // Without (or with a wrong) secret token, grammY refuses the request.
      const forged = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ update_id: 99, message: { text: 'forged' } }),
      });
      expect(forged.status).toBe(401);
      await bot.api.setWebhook(server.url, { secret_token: 'right_token' });
      await say(p.http, user, chatId, 'hi hook');
      await botSaid(p.http, user, tb, chatId, 'Hooked: hi hook');
    } finally {
      server.close();
    }
  });

  it("telegraf's webhook reply: a method call rides in the delivery's response body", async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new Telegraf(tb.telegramToken, {
      telegram: { apiRoot: p.apiRoot, webhookReply: true },
    });
    // telegraf answers through the response body for methods whose result it does not need
    // (sendChatAction among them); the reply after it goes out as an ordinary call.
    bot.on(message('text'), async (ctx) => {
      await ctx.sendChatAction('typing');
      await ctx.reply(`Replied: ${ctx.message.text}`);
    });
    const server = await serve(bot.webhookCallback('/hook'));
    try {
      await bot.telegram.setWebhook(server.url);
      await say(p.http, user, chatId, 'via reply');
      await botSaid(p.http, user, tb, chatId, 'Replied: via reply');
      // It came back in the delivery's response body, not as a call of its own.
      const attempts = await p.http.get('/api/v1/bot/webhook/attempts').set(botAuth(tb));
      expect(JSON.parse(attempts.body.attempts[0].response_body)).toEqual({
        method: 'sendChatAction',
        chat_id: await tgIdOf(p.platform, user.id),
        action: 'typing',
      });
      const feed = await p.http.get('/api/v1/events?timeout=0').set(bearer(user));
      expect(feed.body.events.map((e: { type: string }) => e.type)).toContain('chat.action');
    } finally {
      server.close();
    }
  });
});
