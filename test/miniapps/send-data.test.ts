// sendData: a mini app's string reaches the bot as an ordinary incoming message in every
// delivery path (Quanta, the Telegram form, the Koto form), only with init data this platform
// signed for that bot, chat and person, and once per opening.
import { createHmac } from 'node:crypto';
import supertest from 'supertest';
import { history } from '../gateway/support';
import { bearer, botAuth, registerUser, userBotChat, type TestUser } from '../support/fixtures';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform();

async function opened() {
  const fixture = await userBotChat(t.current.http);
  await t.current.http
    .put('/api/v1/bot/webapp')
    .set(botAuth(fixture.bot))
    .send({ url: 'https://app.example.com/' })
    .expect(200);
  const initData = await openApp(fixture.chatId, fixture.user);
  return { ...fixture, initData };
}

async function openApp(chatId: string, user: TestUser): Promise<string> {
  const res = await t.current.http
    .post(`/api/v1/chats/${chatId}/webapp`)
    .set(bearer(user))
    .send({})
    .expect(200);
  return res.body.init_data as string;
}

const sendData = (chatId: string, user: TestUser, body: object) =>
  t.current.http.post(`/api/v1/chats/${chatId}/webapp-data`).set(bearer(user)).send(body);

const DATA = JSON.stringify({ order: 42, ok: true });

describe('the bot receives it', () => {
  it('on the Quanta API: content = data, payload.web_app_data', async () => {
    const { user, bot, chatId, initData } = await opened();
    const res = await sendData(chatId, user, {
      data: DATA,
      button_text: 'Order',
      init_data: initData,
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ content: DATA, sender: { id: user.id } });

    const updates = await t.current.http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot));
    const [u] = updates.body.updates;
    expect(u.type).toBe('message');
    expect(u.payload).toMatchObject({
      chat_id: chatId,
      user_id: user.id,
      content: DATA,
      is_command: false,
      payload: { web_app_data: { data: DATA, button_text: 'Order' } },
    });
    // The person sees it in the chat like any message they sent.
    const [shown] = await history(t.current.http, user, chatId);
    expect(shown!.content).toBe(DATA);
  });

  it('on the Telegram form: message.web_app_data, no text', async () => {
    const { user, bot, chatId, initData } = await opened();
    await sendData(chatId, user, { data: DATA, init_data: initData }).expect(201);
    const gw = supertest(t.current.platform.gateway);
    const res = await gw.get(`/bot${bot.telegramToken}/getUpdates`).expect(200);
    const message = res.body.result[0].message;
    expect(message.web_app_data).toEqual({ data: DATA, button_text: 'Open' });
    expect(message.text).toBeUndefined();
    expect(typeof message.chat.id).toBe('number');
  });

  it('on the Koto form: text = data', async () => {
    const { user, bot, chatId, initData } = await opened();
    await sendData(chatId, user, { data: '/start not-a-command', init_data: initData }).expect(201);
    const gw = supertest(t.current.platform.gateway);
    const res = await gw
      .get('/getUpdates')
      .set('authorization', `Bearer ${bot.apiKey.replace(/^bot_/, 'kbot_')}`)
      .expect(200);
    const message = res.body.result[0].message;
    expect(message.text).toBe('/start not-a-command');
    expect(message.entities).toBeUndefined();
  });
});

describe('only where the app was opened, once', () => {
  it('each opening sends once', async () => {
    const { user, chatId, initData } = await opened();
    await sendData(chatId, user, { data: 'one', init_data: initData }).expect(201);
    const again = await sendData(chatId, user, { data: 'two', init_data: initData });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'init_data: this mini app session already sent its data' });
    const reopened = await openApp(chatId, user);
    await sendData(chatId, user, { data: 'three', init_data: reopened }).expect(201);
  });

  it('refuses init data that was altered, is for someone else or another chat', async () => {
    const a = await opened();
    const tampered = a.initData.replace(/query_id=[^&]+/, 'query_id=forged');
    const res = await sendData(a.chatId, a.user, { data: 'x', init_data: tampered });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'init_data: not signed for a bot of this chat' });

    // Another person's opening of the same bot, in their own chat.
    const stranger = await registerUser(t.current.http);
    const theirChat = await t.current.http
      .post('/api/v1/chats')
      .set(bearer(stranger))
      .send({ bot_id: a.bot.id })
      .expect(201);
    const theirs = await openApp(theirChat.body.chat.id, stranger);
    const wrongChat = await sendData(a.chatId, a.user, { data: 'x', init_data: theirs });
    expect(wrongChat.status).toBe(403);
    expect(wrongChat.body).toEqual({ error: 'init_data: it was issued for another chat' });
    // A stranger cannot post into a chat they are not in, whatever they hold.
    const intruder = await sendData(a.chatId, stranger, { data: 'x', init_data: a.initData });
    expect(intruder.status).toBe(403);

    // Another bot's opening does not count for this one.
    const b = await opened();
    const otherBot = await sendData(a.chatId, a.user, { data: 'x', init_data: b.initData });
    expect(otherBot.status).toBe(403);
  });

  it('refuses expired init data, even correctly signed', async () => {
    const { user, bot, chatId, initData } = await opened();
    const fields = new URLSearchParams(initData);
    fields.delete('hash');
    fields.delete('signature');
    fields.set('auth_date', String(Math.floor(Date.now() / 1000) - 2 * 86400));
    const secret = createHmac('sha256', 'WebAppData').update(bot.telegramToken).digest();
    const check = [...fields]
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('\n');
    fields.set('hash', createHmac('sha256', secret).update(check).digest('hex'));
    const res = await sendData(chatId, user, { data: 'late', init_data: fields.toString() });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'init_data: it has expired: open the app again' });
  });

  it('bounds the data and checks the body', async () => {
    const { user, chatId, initData } = await opened();
    const big = await sendData(chatId, user, { data: 'é'.repeat(2049), init_data: initData });
    expect(big.status).toBe(400);
    expect(big.body).toEqual({ error: 'data: must be at most 4096 bytes' });
    const none = await sendData(chatId, user, { data: 'x' });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ error: 'init_data is required' });
    // Still unused: the refusals above did not spend the opening.
    await sendData(chatId, user, { data: 'é'.repeat(2048), init_data: initData }).expect(201);
  });
});
