// Step 4: a managed bot's sends, captions and edits to a person with a key are boxed with
// the bot's key before they are stored; the person's client opens them with nacl.box.open.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, openChat, registerBot, registerUser } from '../support/fixtures';
import { pngBytes } from '../rich/support';
import { botPublicKey, keyedUser, unseal } from './support';

const t = useTestPlatform();

interface Shown {
  id: string;
  content: string;
  payload: { nonce?: string; sender_public_key?: string; encrypted?: boolean };
  sender: { public_key: string | null };
}

async function keyedChat() {
  const { http } = t.current;
  const user = await keyedUser(http);
  const bot = await registerBot(http, user);
  const chatId = await openChat(http, user, bot);
  const botKey = await botPublicKey(http, bot.apiKey);
  const history = async (): Promise<Shown[]> =>
    (await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user)).expect(200)).body
      .messages;
  return { user, bot, chatId, botKey, history };
}

describe('a managed bot sending to a person with a key', () => {
  it('send-message and edit-message (Quanta): the messenger shows boxes the person opens', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId, botKey, history } = await keyedChat();
    const sent = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'your code is 4711' })
      .expect(200);
    // The bot is answered with its own text.
    expect(sent.body.message).toMatchObject({
      content: 'your code is 4711',
      payload: { encrypted: true },
    });

    const [shown] = await history();
    expect(shown!.content).not.toContain('4711');
    expect(shown!.payload.sender_public_key).toBe(botKey);
    expect(shown!.sender.public_key).toBe(botKey);
    expect(unseal(shown!, botKey, user.keys.secretKey)).toBe('your code is 4711');
    const row = await platform.db.message.findUniqueOrThrow({ where: { id: shown!.id } });
    expect(row.content).toBe(shown!.content);

    const edited = await http
      .post('/api/v1/bot/edit-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: shown!.id, content: 'your code is 9000' })
      .expect(200);
    expect(edited.body.message.content).toBe('your code is 9000');
    const [after] = await history();
    expect(after!.payload.nonce).not.toBe(shown!.payload.nonce);
    expect(unseal(after!, botKey, user.keys.secretKey)).toBe('your code is 9000');
  });

  it('sendMessage and editMessageText (gateway): the bot sees text, the store boxes', async () => {
    const { platform } = t.current;
    const { user, bot, chatId, botKey, history } = await keyedChat();
    const gw = supertest(platform.gateway);
    const sent = await gw
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .send({ chat_id: chatId, text: 'gateway hello' })
      .expect(200);
    expect(sent.body.result.text).toBe('gateway hello');
    const [shown] = await history();
    expect(unseal(shown!, botKey, user.keys.secretKey)).toBe('gateway hello');

    const edited = await gw
      .post(`/bot${bot.telegramToken}/editMessageText`)
      .send({ chat_id: chatId, message_id: shown!.id, text: 'gateway edited' })
      .expect(200);
    expect(edited.body.result.text).toBe('gateway edited');
    const [after] = await history();
    expect(unseal(after!, botKey, user.keys.secretKey)).toBe('gateway edited');
  });

  it('a caption rides boxed in the envelope with the sealed photo key; it cannot be edited', async () => {
    const { http } = t.current;
    const { user, bot, chatId, botKey, history } = await keyedChat();
    const sent = await http
      .post('/api/v1/bot/send-photo')
      .set(botAuth(bot))
      .send({
        chat_id: chatId,
        photo: pngBytes(100).toString('base64'),
        mime: 'image/png',
        w: 1,
        h: 1,
        caption: 'holiday snap',
      })
      .expect(200);
    const [shown] = await history();
    const envelope = JSON.parse(unseal(shown!, botKey, user.keys.secretKey)!);
    expect(envelope).toMatchObject({ text: 'holiday snap', media_key: expect.any(String) });
    const edit = await http
      .post('/api/v1/bot/edit-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: sent.body.message.id, content: 'new caption' })
      .expect(400);
    expect(JSON.stringify(edit.body)).toContain('caption of an encrypted file');
  });

  it('edit-reply-markup, set-reaction and editMessageReplyMarkup answer the bot with the text', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId, botKey, history } = await keyedChat();
    const buttons = [[{ text: 'OK', callback_data: 'ok' }]];
    const sent = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'pick one', payload: { buttons } })
      .expect(200);
    const ref = { chat_id: chatId, message_id: sent.body.message.id };
    const marked = await http
      .post('/api/v1/bot/edit-reply-markup')
      .set(botAuth(bot))
      .send({ ...ref, buttons: [] })
      .expect(200);
    expect(marked.body.message).toMatchObject({
      content: 'pick one',
      payload: { encrypted: true },
    });
    const reacted = await http
      .post('/api/v1/bot/set-reaction')
      .set(botAuth(bot))
      .send({ ...ref, emoji: '👍' })
      .expect(200);
    expect(reacted.body.message.content).toBe('pick one');
    const gw = await supertest(platform.gateway)
      .post(`/bot${bot.telegramToken}/editMessageReplyMarkup`)
      .send({ ...ref, reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } })
      .expect(200);
    expect(gw.body.result.text).toBe('pick one');
    // The store still has only the box.
    const [shown] = await history();
    expect(shown!.content).not.toContain('pick one');
    expect(unseal(shown!, botKey, user.keys.secretKey)).toBe('pick one');
  });

  it('a person without a key gets plaintext, as before', async () => {
    const { http } = t.current;
    const user = await registerUser(http);
    const bot = await registerBot(http, user);
    const chatId = await openChat(http, user, bot);
    await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'in the clear' })
      .expect(200);
    const res = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    expect(res.body.messages[0]).toMatchObject({ content: 'in the clear', payload: {} });
    expect(res.body.messages[0].payload.nonce).toBeUndefined();
  });
});
