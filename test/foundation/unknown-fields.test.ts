// A field the API does not know is refused, naming it, rather than silently dropped: a
// top-level `buttons` on send-message used to answer 200 with no buttons. The gateway follows
// Telegram and ignores unknown parameters.
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, say, userBotChat } from '../support/fixtures';

const t = useTestPlatform();

describe('unknown top-level fields', () => {
  it('the Quanta API refuses them with a 400 that names them', async () => {
    const { bot, chatId } = await userBotChat(t.current.http);
    const buttons = [[{ text: 'Yes', callback_data: 'yes' }]];
    const res = await t.current.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'Pick one', buttons })
      .expect(400);
    expect(res.body).toEqual({ error: 'unknown field: buttons' });

    const two = await t.current.http
      .post('/api/v1/bot/send-chat-action')
      .set(botAuth(bot))
      .send({ chat_id: chatId, action: 'typing', colour: 'red', size: 2 })
      .expect(400);
    expect(two.body).toEqual({ error: 'unknown fields: colour, size' });

    // Where they belong, the same buttons are sent.
    const ok = await t.current.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'Pick one', payload: { buttons } })
      .expect(200);
    expect(ok.body.message.payload.buttons).toEqual(buttons);
  });

  it('the messenger API refuses them too, in bodies that are a choice of shapes as well', async () => {
    const { user, bot, chatId } = await userBotChat(t.current.http);
    const res = await t.current.http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'hi', text: 'hi' })
      .expect(400);
    expect(res.body).toEqual({ error: 'unknown field: text' });

    const open = await t.current.http
      .post('/api/v1/chats')
      .set(bearer(user))
      .send({ bot_id: bot.id, pinned: true })
      .expect(400);
    expect(open.body).toEqual({ error: 'unknown field: pinned' });

    const signUp = await t.current.http
      .post('/api/v1/auth/register')
      .send({ username: 'somebody', password: 'long-enough-1', email: 'x@example.com' })
      .expect(400);
    expect(signUp.body).toEqual({ error: 'unknown field: email' });

    // Nothing was written by the refused message.
    await say(t.current.http, user, chatId, 'after');
    const list = await t.current.http
      .get(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .expect(200);
    expect(list.body.messages.map((m: { content: string }) => m.content)).toEqual(['after']);
  });

  it('the gateway ignores them, as Telegram does', async () => {
    const { bot } = await userBotChat(t.current.http);
    const res = await t.current.http
      .post(`/gateway/bot${bot.telegramToken}/setMyCommands`)
      .send({
        commands: [{ command: 'start', description: 'Start' }],
        scope: { type: 'default' },
        future_parameter: 1,
      })
      .expect(200);
    expect(res.body).toEqual({ ok: true, result: true });
  });
});
