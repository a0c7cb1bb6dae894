import { useTestPlatform } from '../support/platform';
import {
  acceptInvitations,
  bearer,
  botAuth,
  registerBot,
  registerUser,
  say,
  userBotChat,
} from '../support/fixtures';

const t = useTestPlatform();

const keyboard = {
  buttons: [
    [
      { text: 'Yes', callback_data: 'yes' },
      { text: 'No', callback_data: 'no' },
    ],
    [{ text: 'Site', url: 'https://example.com' }],
  ],
};

describe('send-message', () => {
  it.each([
    [{}, 400, 'chat_id and content are required'],
    [{ chat_id: 'x' }, 400, 'chat_id and content are required'],
    [{ content: 'hi' }, 400, 'chat_id and content are required'],
    [
      { chat_id: '00000000-0000-4000-8000-000000000000', content: '' },
      400,
      'chat_id and content are required',
    ],
    [{ chat_id: '00000000-0000-4000-8000-000000000000', content: 'hi' }, 404, 'chat not found'],
    [{ chat_id: 'not-a-uuid', content: 'hi' }, 404, 'chat not found'],
    [{ chat_id: 'CHAT', content: 42 }, 400, 'content: '],
    [{ chat_id: 'CHAT', content: 'x'.repeat(4097) }, 400, 'content: must be at most 4096'],
    [{ chat_id: 'CHAT', content: 'hi', payload: 'str' }, 400, 'payload: '],
    [
      {
        chat_id: 'CHAT',
        content: 'hi',
        payload: { buttons: [[{ text: 'a', callback_data: 'x'.repeat(65) }]] },
      },
      400,
      'payload.buttons[0][0]',
    ],
    [
      {
        chat_id: 'CHAT',
        content: 'hi',
        payload: { buttons: [[{ text: 'a', url: 'javascript:alert(1)' }]] },
      },
      400,
      'payload.buttons[0][0]',
    ],
    [
      { chat_id: 'CHAT', content: 'hi', payload: { buttons: [[{ text: 'a' }]] } },
      400,
      'payload.buttons[0][0]',
    ],
    [
      { chat_id: 'CHAT', content: 'hi', payload: { buttons: [[]] } },
      400,
      'payload.buttons[0]: a row needs',
    ],
    [{ chat_id: 'CHAT', content: 'hi', payload: { buttons: 'no' } }, 400, 'payload.buttons: '],
    [
      { chat_id: 'CHAT', content: 'hi', reply_to_message_id: 'nope' },
      400,
      'reply_to_message_id: must be a UUID',
    ],
  ])('rejects %j → %i', async (body, status, message) => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const b = JSON.parse(JSON.stringify(body).replace('"CHAT"', JSON.stringify(chatId)));
    const res = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send(b)
      .expect(status);
    expect(res.body.error).toContain(message);
    const history = await http
      .get(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .expect(200);
    expect(history.body.messages).toEqual([]);
  });

  it('refuses a chat the bot is not in (403)', async () => {
    const { http } = t.current;
    const { chatId } = await userBotChat(http);
    const owner = await registerUser(http);
    const outsider = await registerBot(http, owner);
    const res = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(outsider))
      .send({ chat_id: chatId, content: 'let me in' })
      .expect(403);
    expect(res.body).toEqual({ error: 'bot is not a member of the chat' });
  });

  it('refuses a bot without send_messages (403)', async () => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http, { permissions: ['read_messages'] });
    const res = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'hi' })
      .expect(403);
    expect(res.body.error).toBe('bot lacks the send_messages permission');
  });

  it('stores buttons with is_bot: true and supports quoted replies', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const question = await say(http, user, chatId, 'question?');
    const res = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({
        chat_id: chatId,
        content: 'Choose:',
        payload: keyboard,
        reply_to_message_id: question.id,
      })
      .expect(200);
    expect(res.body.message.payload).toEqual({ ...keyboard, is_bot: true });
    expect(res.body.message.reply_to_message_id).toBe(question.id);
    const other = await userBotChat(http);
    const foreign = await say(http, other.user, other.chatId, 'elsewhere');
    await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'x', reply_to_message_id: foreign.id })
      .expect(400);
  });
});

describe('messenger access', () => {
  it('lets only members read or write a chat (403)', async () => {
    const { http } = t.current;
    const { chatId } = await userBotChat(http);
    const stranger = await registerUser(http);
    await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(stranger)).expect(403);
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(stranger))
      .send({ content: 'hi' })
      .expect(403);
    await http
      .post(`/api/v1/chats/${chatId}/members`)
      .set(bearer(stranger))
      .send({ user_id: stranger.id })
      .expect(403);
    await http
      .get('/api/v1/chats/00000000-0000-4000-8000-000000000000/messages')
      .set(bearer(stranger))
      .expect(404);
    await http
      .post('/api/v1/chats')
      .set(bearer(stranger))
      .send({ bot_id: '00000000-0000-4000-8000-000000000000' })
      .expect(404);
    await http.post('/api/v1/chats').set(bearer(stranger)).send({ nonsense: true }).expect(400);
    await http.get('/api/v1/chats').expect(401);
  });

  it('pages history newest last with limit and before', async () => {
    const { http } = t.current;
    const { user, chatId } = await userBotChat(http);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await say(http, user, chatId, `m${i}`));
    const last2 = await http
      .get(`/api/v1/chats/${chatId}/messages?limit=2`)
      .set(bearer(user))
      .expect(200);
    expect(last2.body.messages.map((m: { content: string }) => m.content)).toEqual(['m3', 'm4']);
    const older = await http
      .get(`/api/v1/chats/${chatId}/messages?limit=2&before=${sent[3]!.id}`)
      .set(bearer(user))
      .expect(200);
    expect(older.body.messages.map((m: { content: string }) => m.content)).toEqual(['m1', 'm2']);
    await http.get(`/api/v1/chats/${chatId}/messages?limit=x`).set(bearer(user)).expect(400);
  });

  it('adds a bot to a group, and every bot in it gets the messages', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const friend = await registerUser(http);
    const a = await registerBot(http, owner, { name: 'A' });
    const b = await registerBot(http, owner, { name: 'B' });
    const g = await http
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Team', member_ids: [friend.id], bot_ids: [a.id] })
      .expect(201);
    const chatId = g.body.chat.id;
    await acceptInvitations(http, friend);
    const added = await http
      .post(`/api/v1/chats/${chatId}/members`)
      .set(bearer(friend))
      .send({ bot_id: b.id })
      .expect(200);
    expect(added.body.chat.members.map((m: { username: string }) => m.username).sort()).toEqual(
      [owner.username, friend.username, a.username, b.username].sort(),
    );
    await say(http, friend, chatId, 'hello bots');
    for (const bot of [a, b]) {
      const r = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
      expect(
        r.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
      ).toEqual(['hello bots']);
    }
    // A bot's message reaches the people, not the other bot.
    await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(a))
      .send({ chat_id: chatId, content: 'hi all' })
      .expect(200);
    const rb = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(b)).expect(200);
    expect(rb.body.updates).toEqual([]);
    const feed = await http.get('/api/v1/events?timeout=0').set(bearer(owner)).expect(200);
    expect(feed.body.events.map((e: { data: { content: string } }) => e.data.content)).toEqual([
      'hello bots',
      'hi all',
    ]);
  });
});

describe('inline buttons and callbacks', () => {
  async function botMessageWithButtons() {
    const { http } = t.current;
    const ctx = await userBotChat(http);
    const sent = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(ctx.bot))
      .send({ chat_id: ctx.chatId, content: 'Choose:', payload: keyboard })
      .expect(200);
    return { ...ctx, messageId: sent.body.message_id as string };
  }

  it('round-trips a tap: callback update → answer → the user sees text, edit and message', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessageWithButtons();
    const tap = await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(202);
    const callbackId = tap.body.callback_id;

    const unanswered = await http
      .get(`/api/v1/callbacks/${callbackId}`)
      .set(bearer(user))
      .expect(200);
    expect(unanswered.body).toEqual({ callback_id: callbackId, answered: false });

    const upd = await http.get('/api/v1/bot/updates?timeout=5').set(botAuth(bot)).expect(200);
    expect(upd.body.updates).toHaveLength(1);
    expect(upd.body.updates[0]).toMatchObject({
      type: 'callback',
      payload: {
        callback_id: callbackId,
        chat_id: chatId,
        message_id: messageId,
        user_id: user.id,
        data: 'yes',
      },
    });

    await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(bot))
      .send({
        callback_id: callbackId,
        text: 'Noted!',
        chat_id: chatId,
        message_content: 'You chose Yes',
      })
      .expect(200);

    const answered = await http
      .get(`/api/v1/callbacks/${callbackId}`)
      .set(bearer(user))
      .expect(200);
    expect(answered.body).toEqual({
      callback_id: callbackId,
      answered: true,
      text: 'Noted!',
      show_alert: false,
    });

    const history = await http
      .get(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .expect(200);
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'You chose Yes',
      'Noted!',
    ]);
    expect(history.body.messages[0].edited_at).toBeDefined();

    const feed = await http.get('/api/v1/events?timeout=0').set(bearer(user)).expect(200);
    const types = feed.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['message.new', 'callback.answered', 'message.edited', 'message.new']);
    expect(feed.body.events[1].data).toMatchObject({ callback_id: callbackId, text: 'Noted!' });

    const twice = await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(bot))
      .send({ callback_id: callbackId, text: 'again' })
      .expect(409);
    expect(twice.body).toEqual({ error: 'callback already answered' });
  });

  it('records nothing of an answer whose edit target was deleted', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessageWithButtons();
    const tap = await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(202);
    await http
      .post('/api/v1/bot/delete-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: messageId })
      .expect(200);
    const res = await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(bot))
      .send({ callback_id: tap.body.callback_id, text: 'Noted!', message_content: 'You chose Yes' })
      .expect(404);
    expect(res.body).toEqual({ error: 'message not found' });
    const cb = await http
      .get(`/api/v1/callbacks/${tap.body.callback_id}`)
      .set(bearer(user))
      .expect(200);
    expect(cb.body).toEqual({ callback_id: tap.body.callback_id, answered: false });
    const feed = await http.get('/api/v1/events?timeout=0').set(bearer(user)).expect(200);
    const types = feed.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['message.new', 'message.deleted']);
  });

  it('answers in one transaction: a failing last step undoes the answer and the edit', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId, messageId } = await botMessageWithButtons();
    const tap = await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(202);
    // The post (the last write) fails after the answer and the edit were written.
    await platform.sql.query(`
      CREATE FUNCTION refuse_message() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE TRIGGER refuse_message BEFORE INSERT ON messages
        FOR EACH ROW WHEN (NEW.content = 'refuse me') EXECUTE FUNCTION refuse_message();`);
    try {
      await http
        .post('/api/v1/bot/answer-callback')
        .set(botAuth(bot))
        .send({
          callback_id: tap.body.callback_id,
          text: 'refuse me',
          chat_id: chatId,
          message_content: 'You chose Yes',
        })
        .expect(500);
    } finally {
      await platform.sql.query(
        'DROP TRIGGER refuse_message ON messages; DROP FUNCTION refuse_message();',
      );
    }
    const cb = await http
      .get(`/api/v1/callbacks/${tap.body.callback_id}`)
      .set(bearer(user))
      .expect(200);
    expect(cb.body.answered).toBe(false);
    const history = await http
      .get(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .expect(200);
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual(['Choose:']);
    const feed = await http.get('/api/v1/events?timeout=0').set(bearer(user)).expect(200);
    expect(feed.body.events.map((e: { type: string }) => e.type)).toEqual(['message.new']);
    // Nothing half-written: the same answer goes through afterwards.
    await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(bot))
      .send({ callback_id: tap.body.callback_id, text: 'Noted!', message_content: 'You chose Yes' })
      .expect(200);
  });

  it('lets only the receiving bot answer, and only the tapper read', async () => {
    const { http } = t.current;
    const { user, chatId, messageId } = await botMessageWithButtons();
    const tap = await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'no' })
      .expect(202);
    const owner = await registerUser(http);
    const other = await registerBot(http, owner);
    await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(other))
      .send({ callback_id: tap.body.callback_id })
      .expect(404);
    await http.get(`/api/v1/callbacks/${tap.body.callback_id}`).set(bearer(owner)).expect(404);
  });

  it.each([
    [{ callback_data: 'maybe' }, 400, 'no button on this message'],
    [{}, 400, 'callback_data is required'],
    [{ callback_data: 12 }, 400, 'callback_data: '],
  ])('refuses tap %j', async (body, status, message) => {
    const { http } = t.current;
    const { user, chatId, messageId } = await botMessageWithButtons();
    const res = await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send(body)
      .expect(status);
    expect(res.body.error).toContain(message);
  });

  it('refuses taps on unknown messages, user messages and by strangers', async () => {
    const { http } = t.current;
    const { user, chatId, messageId } = await botMessageWithButtons();
    const own = await say(http, user, chatId, 'mine');
    await http
      .post(`/api/v1/chats/${chatId}/messages/${own.id}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(400);
    await http
      .post(`/api/v1/chats/${chatId}/messages/00000000-0000-4000-8000-000000000000/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(404);
    const stranger = await registerUser(http);
    await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(stranger))
      .send({ callback_data: 'yes' })
      .expect(403);
  });

  it.each([
    [{}, 400, 'callback_id is required'],
    [{ callback_id: 'nope' }, 404, 'callback not found'],
    [{ callback_id: '00000000-0000-4000-8000-000000000000' }, 404, 'callback not found'],
    [{ callback_id: 'CB', text: 'x'.repeat(201) }, 400, 'text: must be at most 200'],
    [{ callback_id: 'CB', chat_id: 'CHAT' }, 400, 'text is required with chat_id'],
    [
      { callback_id: 'CB', text: 'hi', chat_id: '00000000-0000-4000-8000-000000000000' },
      404,
      'chat not found',
    ],
  ])('refuses answer %j', async (body, status, message) => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessageWithButtons();
    const tap = await http
      .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(202);
    const b = JSON.parse(
      JSON.stringify(body)
        .replace('"CB"', JSON.stringify(tap.body.callback_id))
        .replace('"CHAT"', JSON.stringify(chatId)),
    );
    const res = await http
      .post('/api/v1/bot/answer-callback')
      .set(botAuth(bot))
      .send(b)
      .expect(status);
    expect(res.body.error).toContain(message);
    // A refused answer leaves the callback open.
    const cb = await http
      .get(`/api/v1/callbacks/${tap.body.callback_id}`)
      .set(bearer(user))
      .expect(200);
    expect(cb.body.answered).toBe(false);
  });
});
