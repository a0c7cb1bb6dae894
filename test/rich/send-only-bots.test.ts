// A bot with only `send_messages` gets no message updates, so no other path may hand it
// someone else's text: reply quotes and the pinned message are omitted, forwarding (which
// reads the source) is refused, a reaction's answer carries no foreign content.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { chatTgIdOf } from '../support/internals';
import {
  botAuth,
  openChat,
  registerBot,
  registerUser,
  say,
  type TestBot,
} from '../support/fixtures';

const t = useTestPlatform();
const gw = (bot: TestBot, method: string, body: object) =>
  supertest(t.current.platform.gateway).post(`/bot${bot.telegramToken}/${method}`).send(body);

async function chatWith(permissions: string[]) {
  const { http } = t.current;
  const user = await registerUser(http);
  const bot = await registerBot(http, user, { permissions });
  const chatId = await openChat(http, user, bot);
  const secret = await say(http, user, chatId, 'the secret text');
  return { user, bot, chatId, secret };
}

describe('a bot with only send_messages', () => {
  it('gets no reply_to_message quote back from sendMessage (a reading bot does)', async () => {
    const sendOnly = await chatWith(['send_messages']);
    const quoted = await gw(sendOnly.bot, 'sendMessage', {
      chat_id: sendOnly.chatId,
      text: 'replying',
      reply_to_message_id: sendOnly.secret.id,
    }).expect(200);
    expect(quoted.body.result.text).toBe('replying');
    expect(quoted.body.result.reply_to_message).toBeUndefined();
    expect(JSON.stringify(quoted.body)).not.toContain('the secret text');

    const reader = await chatWith(['read_messages', 'send_messages']);
    const full = await gw(reader.bot, 'sendMessage', {
      chat_id: reader.chatId,
      text: 'replying',
      reply_to_message_id: reader.secret.id,
    }).expect(200);
    expect(full.body.result.reply_to_message.text).toBe('the secret text');
  });

  it('cannot forward (read) a message in the Telegram form: 403 missing_permission', async () => {
    const { bot, chatId, secret } = await chatWith(['send_messages']);
    const res = await gw(bot, 'forwardMessage', {
      chat_id: chatId,
      from_chat_id: chatId,
      message_id: secret.id,
    }).expect(403);
    expect(res.body).toMatchObject({ ok: false, error_code: 403 });
    expect(res.body.description).toMatch(/read_messages/);
    expect(JSON.stringify(res.body)).not.toContain('the secret text');
  });

  it('sees the pinned message id but not its text in getChat (both dialects)', async () => {
    const { http, platform } = t.current;
    const { bot, chatId, secret } = await chatWith(['send_messages']);
    await gw(bot, 'pinChatMessage', { chat_id: chatId, message_id: secret.id }).expect(200);

    const tg = await gw(bot, 'getChat', { chat_id: chatId }).expect(200);
    // The Telegram form names the chat by its integer id (issue 14).
    expect(tg.body.result.id).toBe(await chatTgIdOf(platform, chatId));
    expect(tg.body.result.pinned_message).toBeUndefined();
    const quanta = await http
      .get(`/api/v1/bot/chat?chat_id=${chatId}`)
      .set(botAuth(bot))
      .expect(200);
    expect(quanta.body.chat.pinned_message_id).toBe(secret.id);
    expect(quanta.body.chat.pinned_message).toBeNull();
    expect(JSON.stringify([tg.body, quanta.body])).not.toContain('the secret text');

    const reader = await chatWith(['read_messages', 'send_messages']);
    await gw(reader.bot, 'pinChatMessage', {
      chat_id: reader.chatId,
      message_id: reader.secret.id,
    });
    const full = await gw(reader.bot, 'getChat', { chat_id: reader.chatId }).expect(200);
    expect(full.body.result.pinned_message.text).toBe('the secret text');
  });

  it("gets no one else's text back from set-reaction (Quanta)", async () => {
    const { http } = t.current;
    const { bot, chatId, secret } = await chatWith(['send_messages']);
    const res = await http
      .post('/api/v1/bot/set-reaction')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: secret.id, emoji: '👍' })
      .expect(200);
    expect(res.body.message).toMatchObject({ id: secret.id, content: '' });
    expect(res.body.message.reactions).toEqual([{ emoji: '👍', count: 1, user_ids: [bot.userId] }]);
    expect(JSON.stringify(res.body)).not.toContain('the secret text');
  });
});
