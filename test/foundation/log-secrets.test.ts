// The request log of a scripted session through every API holds no secret and no message
// text: passwords, JWTs, bot keys and tokens (header, path or query), webhook secrets, texts.
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { createTestEnv } from '../support/platform';
import { bearer, botAuth, registerBot, openChat, type TestUser } from '../support/fixtures';
import { call, expectCall } from '../support/http-call';
import { Receiver } from '../support/receiver';
import { startPlatformProcess, waitFor, type PlatformProcess } from '../support/processes';

const mark = (what: string) => `${what}${randomBytes(6).toString('hex')}`;

describe('logs without secrets', () => {
  let proc: PlatformProcess;
  let drop: () => Promise<void>;
  let receiver: Receiver;

  beforeAll(async () => {
    const testEnv = await createTestEnv();
    drop = testEnv.drop;
    proc = await startPlatformProcess({ ...testEnv.env, LOG_LEVEL: 'trace' }, 'all');
    receiver = await Receiver.start();
  }, 30000);

  afterAll(async () => {
    await receiver?.close();
    await proc?.stop(3000);
    await drop?.();
  }, 20000);

  it('a session through every API leaves none of its secrets or texts in the log', async () => {
    const api = supertest(proc.url);
    const secrets: string[] = [];
    const keep = (s: string) => (secrets.push(s), s);

    const username = mark('user');
    const password = keep(mark('Pw-'));
    const reg = await api.post('/api/v1/auth/register').send({ username, password }).expect(201);
    const user: TestUser = {
      id: reg.body.user.id,
      username,
      password,
      token: keep(reg.body.token),
    };
    await api.post('/api/v1/auth/login').send({ username, password }).expect(200);
    await api.post('/api/v1/auth/login').send({ username, password: keep(mark('wrong')) });
    const bot = await registerBot(api, user);
    keep(bot.apiKey);
    keep(bot.telegramToken);
    const chatId = await openChat(api, user, bot);
    const gw = `/gateway/bot${bot.telegramToken}`;

    // Messenger and Quanta texts, in bodies.
    await api
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: keep(mark('user-says-')) })
      .expect(201);
    await api.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    await api
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: keep(mark('quanta-says-')) })
      .expect(200);
    await api.get(`/api/v1/events?timeout=0&after=0`).set(bearer(user)).expect(200);
    await api.get(`/api/v1/chats/${chatId}/messages?limit=5`).set(bearer(user)).expect(200);

    // Gateway: texts and tokens in the query string and the path, Telegram and Koto styles.
    const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
    await expectCall(
      200,
      proc.url,
      'GET',
      `${gw}/sendMessage?${q({ chat_id: chatId, text: keep(mark('tg-query-')) })}`,
    );
    await expectCall(200, proc.url, 'POST', `${gw}/sendMessage`, {
      body: { chat_id: chatId, text: keep(mark('tg-body-')) },
    });
    await expectCall(
      200,
      proc.url,
      'GET',
      `/gateway/sendMessage?${q({ chat_id: chatId, text: keep(mark('koto-')) })}`,
      {
        headers: { authorization: `Bearer ${bot.telegramToken}` },
      },
    );
    await call(proc.url, 'GET', `/gateway/bot${keep(mark('1:badtoken'))}/getMe`);
    await call(
      proc.url,
      'GET',
      `/api/v1/bot/me?token=${keep(mark('tok'))}&api_key=${keep(mark('key'))}`,
    );

    // A webhook with a secret token in the query; a delivery whose reply is a method call.
    receiver.onRequest(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'sendMessage', chat_id: chatId, text: replyText }),
    }));
    const replyText = keep(mark('hook-reply-'));
    await expectCall(
      200,
      proc.url,
      'GET',
      `${gw}/setWebhook?${q({ url: receiver.url, secret_token: keep(mark('whsec')) })}`,
    );
    await api
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: keep(mark('to-the-hook-')) })
      .expect(201);
    await receiver.waitFor(1, 20000);
    await waitFor(async () => {
      const h = await api.get(`/api/v1/chats/${chatId}/messages?limit=20`).set(bearer(user));
      return (h.body.messages as { content: string }[]).some((m) => m.content === replyText);
    }, 10000);
    await expectCall(200, proc.url, 'GET', `${gw}/getWebhookInfo`);

    const out = proc.output();
    expect(out).toContain('request completed'); // the log is there
    expect(out).toContain('/gateway/bot[redacted]/setWebhook');
    expect(secrets.filter((s) => out.includes(s))).toEqual([]);
  }, 60000);
});
