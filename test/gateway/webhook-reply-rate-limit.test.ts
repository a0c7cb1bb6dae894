// A method call in a webhook's reply counts against the bot's rate limit like any other call.
import { bearer, userBotChat } from '../support/fixtures';
import { Receiver } from '../support/receiver';
import { history, startListening, type Listening } from './support';
import supertest from 'supertest';

const PER_SECOND = 3;
const UPDATES = 20;

let p: Listening;
beforeAll(async () => {
  p = await startListening({ RATE_LIMIT_PER_BOT: String(PER_SECOND) });
});
afterAll(async () => {
  await p?.close();
});

it('webhook-reply methods beyond the per-bot limit are not run', async () => {
  const { user, bot, chatId } = await userBotChat(p.http);
  const receiver = await Receiver.start();
  try {
    receiver.onRequest((_r, n) => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'sendMessage', chat_id: chatId, text: `reply ${n}` }),
    }));
    await supertest(p.apiRoot)
      .post(`/bot${bot.telegramToken}/setWebhook`)
      .send({ url: receiver.url })
      .expect(200);
    for (let i = 0; i < UPDATES; i++) {
      await p.http
        .post(`/api/v1/chats/${chatId}/messages`)
        .set(bearer(user))
        .send({ content: `m${i}` })
        .expect(201);
    }
    const got = await receiver.waitFor(UPDATES, 20000);
    await new Promise((r) => setTimeout(r, 500)); // the last reply's method
    const spanS = (got[UPDATES - 1]!.at - got[0]!.at) / 1000;
    const replies = (await history(p.http, user, chatId)).filter((m) => m.sender.id === bot.userId);
    console.log(`${UPDATES} deliveries over ${spanS.toFixed(2)} s: ${replies.length} replies run`);
    // Fixed one-second windows: a span of s seconds touches at most ceil(s) + 1 of them.
    expect(replies.length).toBeLessThanOrEqual(PER_SECOND * (Math.ceil(spanS + 0.5) + 1));
    expect(replies.length).toBeLessThan(UPDATES);
  } finally {
    await receiver.close();
  }
}, 40000);
