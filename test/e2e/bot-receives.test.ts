// Step 3: a managed bot reads people's boxes as plaintext in every path (Quanta /updates,
// gateway getUpdates, webhooks in both dialects), opened as they are handed over; a
// self-custody bot reads the box with what it needs to open it.
import nacl from 'tweetnacl';
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { Receiver } from '../support/receiver';
import { bearer, botAuth, openChat, registerBot } from '../support/fixtures';
import { b64, botPublicKey, keyedUser, seal, unseal } from './support';

const t = useTestPlatform({ ROLE: 'worker', WEBHOOK_RETRY_SCHEDULE: '0.3,0.3' });
const receivers: Receiver[] = [];
beforeAll(async () => {
  await t.current.platform.start(); // the worker role: webhook delivery runs in this process
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

async function keyedChat(botBody: Record<string, unknown> = {}) {
  const { http } = t.current;
  const user = await keyedUser(http);
  const bot = await registerBot(http, user, botBody);
  const chatId = await openChat(http, user, bot);
  const botKey = await botPublicKey(http, bot.apiKey);
  const send = async (text: string) => {
    const res = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send(seal(text, botKey, user.keys.secretKey))
      .expect(201);
    return res.body.message as { id: string; content: string };
  };
  return { user, bot, chatId, botKey, send };
}

describe('a managed bot reads plaintext', () => {
  it('Quanta /updates: content in clear, payload.encrypted, commands parsed; edits too', async () => {
    const { http } = t.current;
    const { user, bot, chatId, botKey, send } = await keyedChat();
    const sent = await send('/start hello there');
    const v2 = seal('edited words', botKey, user.keys.secretKey);
    await http
      .patch(`/api/v1/chats/${chatId}/messages/${sent.id}`)
      .set(bearer(user))
      .send(v2)
      .expect(200);

    const res = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    const [message, edited] = res.body.updates;
    expect(message).toMatchObject({
      type: 'message',
      payload: {
        content: '/start hello there',
        payload: { encrypted: true },
        is_command: true,
        command: 'start',
        command_args: 'hello there',
      },
    });
    expect(message.payload.payload.nonce).toBeUndefined();
    expect(edited).toMatchObject({
      type: 'edited_message',
      payload: { content: 'edited words', payload: { encrypted: true }, is_command: false },
    });
    // The log keeps the box.
    const rows = await t.current.platform.db.update.findMany({ where: { botId: bot.id } });
    expect(JSON.stringify(rows.map((r) => r.payload))).not.toMatch(/hello there|edited words/);
  });

  it('gateway getUpdates: the Telegram message has the text and its command entity', async () => {
    const { platform } = t.current;
    const { bot, send } = await keyedChat();
    await send('/help me');
    const gw = supertest(platform.gateway);
    const res = await gw.post(`/bot${bot.telegramToken}/getUpdates`).send({}).expect(200);
    expect(res.body.result[0].message).toMatchObject({
      text: '/help me',
      entities: [{ type: 'bot_command', offset: 0, length: 5 }],
    });
  });

  it.each(['quanta', 'gateway'])('webhooks (%s dialect) carry the text', async (dialect) => {
    const { http, platform } = t.current;
    const { bot, send } = await keyedChat();
    const hook = await Receiver.start();
    receivers.push(hook);
    if (dialect === 'quanta') {
      await http.put('/api/v1/bot/webhook').set(botAuth(bot)).send({ url: hook.url }).expect(200);
    } else {
      await supertest(platform.gateway)
        .post(`/bot${bot.telegramToken}/setWebhook`)
        .send({ url: hook.url })
        .expect(200);
    }
    await send('pushed in clear to the bot');
    const [got] = await hook.waitFor(1);
    const body = JSON.parse(got!.body);
    if (dialect === 'quanta') {
      expect(body.payload).toMatchObject({
        content: 'pushed in clear to the bot',
        payload: { encrypted: true },
      });
    } else {
      expect(body.message.text).toBe('pushed in clear to the bot');
    }
  });
});

describe('a managed bot reads plaintext (continued)', () => {
  it('get-chat and getChat: the pinned box in clear', async () => {
    const { http, platform } = t.current;
    const { bot, chatId, send } = await keyedChat();
    const sent = await send('pinned secret');
    await http
      .post('/api/v1/bot/pin-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: sent.id })
      .expect(200);
    const quanta = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot));
    expect(quanta.body.chat.pinned_message.content).toBe('pinned secret');
    const gw = await supertest(platform.gateway)
      .post(`/bot${bot.telegramToken}/getChat`)
      .send({ chat_id: chatId })
      .expect(200);
    expect(gw.body.result.pinned_message.text).toBe('pinned secret');
  });
});

describe('a managed bot: taps and quotes in an encrypted chat', () => {
  it('the tapped message and the quoted reply are opened; answer-callback edits are boxed', async () => {
    const { http } = t.current;
    const { user, bot, chatId, botKey } = await keyedChat();
    const sent = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({
        chat_id: chatId,
        content: 'pick one',
        payload: { buttons: [[{ text: 'A', callback_data: 'a' }]] },
      })
      .expect(200);
    const messageId: string = sent.body.message.id;
    await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'a' })
      .expect(202);
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ ...seal('my answer', botKey, user.keys.secretKey), reply_to_message_id: messageId })
      .expect(201);

    const res = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    const [tap, reply] = res.body.updates;
    expect(tap.payload.message).toMatchObject({
      content: 'pick one',
      payload: { encrypted: true },
    });
    expect(reply.payload).toMatchObject({
      content: 'my answer',
      reply_to_message: { content: 'pick one' },
    });

    await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(bot))
      .send({ callback_id: tap.payload.callback_id, message_content: 'you picked A' })
      .expect(200);
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    const edited = history.body.messages.find((m: { id: string }) => m.id === messageId);
    expect(edited.content).not.toContain('picked');
    expect(unseal(edited, botKey, user.keys.secretKey)).toBe('you picked A');
  });
});

describe('a self-custody bot', () => {
  it('reads the box with payload.nonce and payload.sender_public_key, and opens it', async () => {
    const { http } = t.current;
    const own = nacl.box.keyPair();
    const { user, bot, send } = await keyedChat({ public_key: b64(own.publicKey) });
    await send('/start for my own eyes');
    const res = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    const p = res.body.updates[0].payload;
    expect(p.payload).toMatchObject({ sender_public_key: user.publicKey });
    expect(p.payload.encrypted).toBeUndefined();
    expect(p.is_command).toBe(false);
    expect(unseal(p, p.payload.sender_public_key, own.secretKey)).toBe('/start for my own eyes');
  });
});
