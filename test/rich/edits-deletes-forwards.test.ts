import { useTestPlatform } from '../support/platform';
import { bearer, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import { NO_SUCH_ID, botCall, feedOf, historyOf, updatesOf } from './support';

const t = useTestPlatform();

const keyboard = [[{ text: 'Yes', callback_data: 'yes' }]];

async function botMessage(content = 'from the bot', payload?: object) {
  const { http } = t.current;
  const ctx = await userBotChat(http);
  const sent = await botCall(http, ctx.bot, 'send-message', {
    chat_id: ctx.chatId,
    content,
    ...(payload && { payload }),
  });
  return { ...ctx, messageId: sent.body.message_id as string };
}

describe('edit-message (bot → user)', () => {
  it('edits the bot’s own message: history and the feed show it, bots hear nothing', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage('draft');
    const res = await botCall(http, bot, 'edit-message', {
      chat_id: chatId,
      message_id: messageId,
      content: 'final',
    });
    expect(res.body).toMatchObject({ ok: true, message: { id: messageId, content: 'final' } });
    const [m] = await historyOf(http, user, chatId);
    expect(m).toMatchObject({ content: 'final', edited_at: expect.any(String) });
    const { events } = await feedOf(http, user);
    expect(events.map((e) => e.type)).toEqual(['message.new', 'message.edited']);
    expect(events[1]!.data).toMatchObject({ id: messageId, content: 'final' });
    expect(await updatesOf(http, bot)).toEqual([]);
  });

  it.each([
    [{ message_id: 'MSG' }, 400, 'content is required'],
    [{ message_id: 'MSG', content: 5 }, 400, 'content: '],
    [{ message_id: 'MSG', content: '' }, 400, 'content: must not be empty'],
    [{ content: 'x' }, 400, 'message_id is required'],
    [{ message_id: NO_SUCH_ID, content: 'x' }, 404, 'message not found'],
    [{ message_id: 'not-a-uuid', content: 'x' }, 404, 'message not found'],
    [{ message_id: 'USER_MSG', content: 'x' }, 403, 'a bot can only edit its own messages'],
  ])('refuses %j → %i', async (body, status, message) => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage();
    const mine = await say(http, user, chatId, 'user text');
    const b = JSON.parse(
      JSON.stringify({ chat_id: chatId, ...body })
        .replace('"MSG"', JSON.stringify(messageId))
        .replace('"USER_MSG"', JSON.stringify(mine.id)),
    );
    const res = await botCall(http, bot, 'edit-message', b, status);
    expect(res.body.error).toContain(message);
  });

  it('refuses a chat the bot is not in, and a message of another chat', async () => {
    const { http } = t.current;
    const a = await botMessage();
    const b = await botMessage();
    // b's bot edits its own message but names a's chat: not a member.
    await botCall(
      http,
      b.bot,
      'edit-message',
      { chat_id: a.chatId, message_id: b.messageId, content: 'x' },
      403,
    );
    // A bot in two chats names the wrong one: the message is not in it.
    await http
      .post('/api/v1/chats')
      .set(bearer(b.user))
      .send({ bot_id: a.bot.id })
      .expect(201)
      .then(async (r) => {
        const res = await botCall(
          http,
          a.bot,
          'edit-message',
          { chat_id: r.body.chat.id, message_id: a.messageId, content: 'x' },
          404,
        );
        expect(res.body).toEqual({ error: 'message not found' });
      });
  });
});

describe('editing from the messenger (user → bot)', () => {
  it('sends edited_message to the bot and message.edited to people', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const m = await say(http, user, chatId, 'helo');
    await updatesOf(http, bot);
    const res = await http
      .patch(`/api/v1/chats/${chatId}/messages/${m.id}`)
      .set(bearer(user))
      .send({ content: '/start hello' })
      .expect(200);
    expect(res.body.message).toMatchObject({ id: m.id, content: '/start hello' });
    const [upd] = await updatesOf(http, bot);
    expect(upd).toMatchObject({
      type: 'edited_message',
      payload: {
        message_id: m.id,
        chat_id: chatId,
        user_id: user.id,
        username: user.username,
        content: '/start hello',
        is_command: true,
        command: 'start',
        edited_at: expect.any(String),
      },
    });
    const { events } = await feedOf(http, user);
    expect(events.at(-1)).toMatchObject({
      type: 'message.edited',
      data: { content: '/start hello' },
    });
  });

  it('lets people edit only their own messages, in chats they are in', async () => {
    const { http } = t.current;
    const { user, chatId, messageId } = await botMessage();
    const own = await say(http, user, chatId, 'mine');
    const patch = (id: string, who = user) =>
      http.patch(`/api/v1/chats/${chatId}/messages/${id}`).set(bearer(who));
    const r = await patch(messageId).send({ content: 'hijack' }).expect(403);
    expect(r.body).toEqual({ error: 'you can only edit your own messages' });
    const stranger = await registerUser(http);
    await patch(own.id, stranger).send({ content: 'x' }).expect(403);
    await patch('nope').send({ content: 'x' }).expect(404);
    await patch(NO_SUCH_ID).send({ content: 'x' }).expect(404);
    const bad = await patch(own.id)
      .send({ content: ['x'] })
      .expect(400);
    expect(bad.body.error).toContain('content: ');
    await http
      .patch(`/api/v1/chats/not-a-chat/messages/${own.id}`)
      .set(bearer(user))
      .send({ content: 'x' })
      .expect(404);
  });
});

describe('edit-reply-markup', () => {
  it('replaces the keyboard and removes it with an empty array', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage('Choose', { buttons: keyboard });
    const two = [
      [{ text: 'A', callback_data: 'a' }],
      [{ text: 'Site', url: 'https://example.com' }],
    ];
    const replaced = await botCall(http, bot, 'edit-reply-markup', {
      chat_id: chatId,
      message_id: messageId,
      buttons: two,
    });
    expect(replaced.body.message.payload).toEqual({ buttons: two, is_bot: true });
    expect(replaced.body.message).not.toHaveProperty('edited_at');
    await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'a' })
      .expect(202);

    await botCall(http, bot, 'edit-reply-markup', {
      chat_id: chatId,
      message_id: messageId,
      buttons: [],
    });
    const [m] = await historyOf(http, user, chatId);
    expect(m!.payload).toEqual({ is_bot: true });
    await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'a' })
      .expect(400);
    const { events } = await feedOf(http, user);
    expect(events.map((e) => e.type)).toEqual(['message.new', 'message.edited', 'message.edited']);
  });

  it.each([
    [{ buttons: [[{ text: 'x' }]] }, 400, 'buttons[0][0]'],
    [{ buttons: 'none' }, 400, 'buttons: '],
    [{}, 400, 'buttons is required'],
    [{ buttons: [], message_id: 'USER_MSG' }, 403, 'a bot can only edit its own messages'],
  ])('refuses %j → %i', async (body, status, message) => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage();
    const mine = await say(http, user, chatId, 'user text');
    const b = JSON.parse(
      JSON.stringify({ chat_id: chatId, message_id: messageId, ...body }).replace(
        '"USER_MSG"',
        JSON.stringify(mine.id),
      ),
    );
    const res = await botCall(http, bot, 'edit-reply-markup', b, status);
    expect(res.body.error).toContain(message);
  });
});

describe('deletes', () => {
  it('a bot deletes its own message: gone from history, people get message.deleted', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage();
    await botCall(http, bot, 'delete-message', { chat_id: chatId, message_id: messageId });
    expect(await historyOf(http, user, chatId)).toEqual([]);
    const { events } = await feedOf(http, user);
    expect(events.at(-1)).toMatchObject({
      type: 'message.deleted',
      data: { chat_id: chatId, message_id: messageId, deleted_at: expect.any(String) },
    });
    // Gone for every action.
    await botCall(http, bot, 'delete-message', { chat_id: chatId, message_id: messageId }, 404);
    await botCall(
      http,
      bot,
      'edit-message',
      { chat_id: chatId, message_id: messageId, content: 'x' },
      404,
    );
    await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/reactions`)
      .set(bearer(user))
      .send({ emoji: '👍' })
      .expect(404);
  });

  it('a person deletes their own message (204); the bot hears nothing', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage();
    const own = await say(http, user, chatId, 'oops');
    await updatesOf(http, bot);
    const del = (id: string, who = user) =>
      http.delete(`/api/v1/chats/${chatId}/messages/${id}`).set(bearer(who));
    const r = await del(messageId).expect(403);
    expect(r.body).toEqual({ error: 'you can only delete your own messages' });
    const stranger = await registerUser(http);
    await del(own.id, stranger).expect(403);
    await del('x').expect(404);
    await del(own.id).expect(204);
    await del(own.id).expect(404);
    expect((await historyOf(http, user, chatId)).map((m) => m.id)).toEqual([messageId]);
    expect(await updatesOf(http, bot)).toEqual([]);
  });

  it('refuses a bot deleting someone else’s message', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const own = await say(http, user, chatId, 'mine');
    const res = await botCall(
      http,
      bot,
      'delete-message',
      { chat_id: chatId, message_id: own.id },
      403,
    );
    expect(res.body).toEqual({ error: 'a bot can only delete its own messages' });
    await botCall(http, bot, 'delete-message', { chat_id: chatId }, 400);
  });
});

describe('forward-message', () => {
  it('posts with a "forwarded from" label, the bot’s name by default', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http, { name: 'Relay' });
    const res = await botCall(http, bot, 'forward-message', {
      chat_id: chatId,
      content: 'news',
      from: 'Alice',
    });
    expect(res.body.message).toMatchObject({ content: 'news', forward_from: 'Alice' });
    await botCall(http, bot, 'forward-message', { chat_id: chatId, content: 'more' });
    const history = await historyOf(http, user, chatId);
    expect(history.map((m) => m.forward_from)).toEqual(['Alice', 'Relay']);
    const { events } = await feedOf(http, user);
    expect(events[0]!.data).toMatchObject({ forward_from: 'Alice' });
    await botCall(http, bot, 'forward-message', { chat_id: chatId, content: 'x', from: '' }, 400);
    const noText = await botCall(http, bot, 'forward-message', { chat_id: chatId }, 400);
    expect(noText.body.error).toBe('content is required');
  });
});

describe('quoted replies', () => {
  it('carries the quoted message in the update for a person’s reply', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage('Which one?');
    const reply = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'this one', reply_to_message_id: messageId })
      .expect(201);
    expect(reply.body.message.reply_to_message_id).toBe(messageId);
    const [upd] = await updatesOf(http, bot);
    expect(upd!.payload).toMatchObject({
      content: 'this one',
      reply_to_message_id: messageId,
      reply_to_message: {
        message_id: messageId,
        chat_id: chatId,
        user_id: bot.userId,
        username: bot.username,
        content: 'Which one?',
      },
    });
  });

  it('refuses quoting a message of another chat, or a deleted one', async () => {
    const { http } = t.current;
    const a = await botMessage();
    const b = await botMessage();
    const res = await http
      .post(`/api/v1/chats/${a.chatId}/messages`)
      .set(bearer(a.user))
      .send({ content: 'x', reply_to_message_id: b.messageId })
      .expect(400);
    expect(res.body).toEqual({ error: 'reply_to_message_id: message not found in this chat' });
    await botCall(http, a.bot, 'delete-message', { chat_id: a.chatId, message_id: a.messageId });
    await http
      .post(`/api/v1/chats/${a.chatId}/messages`)
      .set(bearer(a.user))
      .send({ content: 'x', reply_to_message_id: a.messageId })
      .expect(400);
    // Nor can a bot outside the chat forward into it.
    const outsider = await registerBot(http, await registerUser(http));
    await botCall(http, outsider, 'forward-message', { chat_id: a.chatId, content: 'x' }, 403);
  });
});
