// sendData through the webhook paths: the Telegram-form webhook POSTs message.web_app_data,
// the Quanta webhook content = data with payload.web_app_data.
import supertest from 'supertest';
import { startListening, type Listening } from '../gateway/support';
import { bearer, botAuth, userBotChat } from '../support/fixtures';
import { Receiver } from '../support/receiver';

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(() => p?.close());

async function sendDataVia(
  setHook: (bot: { apiKey: string; telegramToken: string }, url: string) => Promise<unknown>,
) {
  const { user, bot, chatId } = await userBotChat(p.http);
  await p.http
    .put('/api/v1/bot/webapp')
    .set(botAuth(bot))
    .send({ url: 'https://a.example/' })
    .expect(200);
  const receiver = await Receiver.start();
  try {
    await setHook(bot, receiver.url);
    const opened = await p.http
      .post(`/api/v1/chats/${chatId}/webapp`)
      .set(bearer(user))
      .send({})
      .expect(200);
    await p.http
      .post(`/api/v1/chats/${chatId}/webapp-data`)
      .set(bearer(user))
      .send({ data: '{"n":1}', button_text: 'Buy', init_data: opened.body.init_data })
      .expect(201);
    const [got] = await receiver.waitFor(1);
    return JSON.parse(got!.body);
  } finally {
    await receiver.close();
  }
}

it('reaches a Telegram-form webhook as message.web_app_data', async () => {
  const update = await sendDataVia((bot, url) =>
    supertest(p.apiRoot).post(`/bot${bot.telegramToken}/setWebhook`).send({ url }).expect(200),
  );
  expect(update.message.web_app_data).toEqual({ data: '{"n":1}', button_text: 'Buy' });
  expect(update.message.text).toBeUndefined();
});

it('reaches a Quanta webhook as content with payload.web_app_data', async () => {
  const update = await sendDataVia((bot, url) =>
    p.http.put('/api/v1/bot/webhook').set(botAuth(bot)).send({ url }).expect(200),
  );
  expect(update.payload).toMatchObject({
    content: '{"n":1}',
    payload: { web_app_data: { data: '{"n":1}', button_text: 'Buy' } },
  });
});
