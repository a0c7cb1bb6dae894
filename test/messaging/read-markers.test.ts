// Read markers: POST /chats/:id/read moves a member's marker forward only, and the chat list
// and chat carry the unread count (others' messages after it) and the newest message.
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerUser, say, userBotChat } from '../support/fixtures';

const t = useTestPlatform();

async function botSays(apiKey: string, chatId: string, content: string): Promise<string> {
  const res = await t.current.http
    .post('/api/v1/bot/send-message')
    .set(botAuth({ apiKey }))
    .send({ chat_id: chatId, content })
    .expect(200);
  return res.body.message.id as string;
}

describe('read markers and unread counts', () => {
  it('counts the others’ messages after the marker, which never moves back', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const chatOf = async () =>
      (await http.get(`/api/v1/chats/${chatId}`).set(bearer(user)).expect(200)).body.chat;

    expect(await chatOf()).toMatchObject({ unread_count: 0, last_message: null });

    const first = await botSays(bot.apiKey, chatId, 'one');
    await botSays(bot.apiKey, chatId, 'two');
    const third = await botSays(bot.apiKey, chatId, 'three');
    // My own messages are never unread.
    await say(http, user, chatId, 'mine');
    const chat = await chatOf();
    expect(chat.unread_count).toBe(3);
    expect(chat.last_message).toMatchObject({ content: 'mine', chat_id: chatId });

    const list = await http.get('/api/v1/chats').set(bearer(user)).expect(200);
    expect(list.body.chats).toEqual([
      expect.objectContaining({ id: chatId, unread_count: 3, last_message: expect.any(Object) }),
    ]);

    const read = (messageId: string) =>
      http.post(`/api/v1/chats/${chatId}/read`).set(bearer(user)).send({ message_id: messageId });
    await read(first).expect(200, { unread_count: 2 });
    await read(third).expect(200, { unread_count: 0 });
    // An older id (a late request) leaves the marker where it is.
    await read(first).expect(200, { unread_count: 0 });
    await botSays(bot.apiKey, chatId, 'four');
    expect((await chatOf()).unread_count).toBe(1);
  });

  it('deleted messages are not unread, and the preview skips them', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await botSays(bot.apiKey, chatId, 'kept');
    const gone = await botSays(bot.apiKey, chatId, 'gone');
    await http
      .post('/api/v1/bot/delete-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: gone })
      .expect(200);
    const chat = (await http.get(`/api/v1/chats/${chatId}`).set(bearer(user)).expect(200)).body
      .chat;
    expect(chat.unread_count).toBe(1);
    expect(chat.last_message.content).toBe('kept');
  });

  it('rejects bad bodies, strangers and messages of other chats', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const other = await userBotChat(http);
    const elsewhere = await botSays(other.bot.apiKey, other.chatId, 'elsewhere');
    const mine = await botSays(bot.apiKey, chatId, 'hi');
    const post = (who: { token: string }, id: string, body: unknown) =>
      http
        .post(`/api/v1/chats/${id}/read`)
        .set(bearer(who))
        .send(body as object);

    await post(user, chatId, {}).expect(400);
    await post(user, chatId, { message_id: 'nope' }).expect(400);
    await post(user, chatId, { message_id: mine, extra: 1 }).expect(400);
    await post(user, chatId, { message_id: elsewhere }).expect(404);
    await post(user, '00000000-0000-4000-8000-000000000000', { message_id: mine }).expect(404);
    const stranger = await registerUser(http);
    await post(stranger, chatId, { message_id: mine }).expect(403);
    await http.post(`/api/v1/chats/${chatId}/read`).send({ message_id: mine }).expect(401);
  });
});
