import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import { NO_SUCH_ID, botCall, feedOf, historyOf, updatesOf } from './support';

const t = useTestPlatform();

async function botMessage(content = 'hello') {
  const { http } = t.current;
  const ctx = await userBotChat(http);
  const sent = await botCall(http, ctx.bot, 'send-message', { chat_id: ctx.chatId, content });
  return { ...ctx, messageId: sent.body.message_id as string };
}

describe('reactions', () => {
  it('taking a reaction back by the query string refuses unknown parameters there, as a body does', async () => {
    // Found by the fuzzer: `?emoji=👍&x=1` was a 200 (only `emoji` was read), while the
    // document and a JSON body refuse unknown fields.
    const { http } = t.current;
    const { user, chatId, messageId } = await botMessage();
    const url = `/api/v1/chats/${chatId}/messages/${messageId}/reactions`;
    await http.post(url).set(bearer(user)).send({ emoji: '👍' }).expect(200);
    const emoji = encodeURIComponent('👍');
    const res = await http.delete(`${url}?emoji=${emoji}&x=1`).set(bearer(user)).expect(400);
    expect(res.body).toEqual({ error: 'unknown field: x' });
    const none = await http.delete(url).set(bearer(user)).expect(400);
    expect(none.body.error).toMatch(/emoji/);
    const taken = await http.delete(`${url}?emoji=${emoji}`).set(bearer(user)).expect(200);
    expect(taken.body.message.reactions ?? []).toEqual([]);
  });

  it('a person toggles reactions: the bot gets old and new, people get the totals', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage();
    const url = `/api/v1/chats/${chatId}/messages/${messageId}/reactions`;
    const liked = await http.post(url).set(bearer(user)).send({ emoji: '👍' }).expect(200);
    expect(liked.body.message.reactions).toEqual([{ emoji: '👍', count: 1, user_ids: [user.id] }]);
    await http.post(url).set(bearer(user)).send({ emoji: '👨‍👩‍👧' }).expect(200);
    await http.post(url).set(bearer(user)).send({ emoji: '👍' }).expect(200); // already there
    const removed = await http.delete(url).set(bearer(user)).send({ emoji: '👍' }).expect(200);
    expect(removed.body.message.reactions).toEqual([
      { emoji: '👨‍👩‍👧', count: 1, user_ids: [user.id] },
    ]);
    await http
      .delete(`${url}?emoji=${encodeURIComponent('👨‍👩‍👧')}`)
      .set(bearer(user))
      .expect(200);

    const ups = await updatesOf(http, bot);
    expect(ups.map((u) => u.type)).toEqual([
      'message_reaction',
      'message_reaction',
      'message_reaction',
      'message_reaction',
    ]);
    expect(ups.map((u) => [u.payload.old_reaction, u.payload.new_reaction])).toEqual([
      [[], ['👍']],
      [['👍'], ['👍', '👨‍👩‍👧']],
      [['👍', '👨‍👩‍👧'], ['👨‍👩‍👧']],
      [['👨‍👩‍👧'], []],
    ]);
    expect(ups[0]!.payload).toMatchObject({
      chat_id: chatId,
      message_id: messageId,
      user_id: user.id,
      username: user.username,
    });
    const { events } = await feedOf(http, user);
    const reactions = events.filter((e) => e.type === 'message.reaction');
    expect(reactions).toHaveLength(4);
    expect(reactions[1]!.data).toMatchObject({
      new_reaction: ['👍', '👨‍👩‍👧'],
      reactions: [
        { emoji: '👍', count: 1 },
        { emoji: '👨‍👩‍👧', count: 1 },
      ],
    });
    const [m] = await historyOf(http, user, chatId);
    expect(m).not.toHaveProperty('reactions');
  });

  it('a bot reacts with set-reaction: people see it, bots hear nothing', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const own = await say(http, user, chatId, 'great news');
    await updatesOf(http, bot);
    const res = await botCall(http, bot, 'set-reaction', {
      chat_id: chatId,
      message_id: own.id,
      emoji: '🎉',
    });
    expect(res.body.message.reactions).toEqual([{ emoji: '🎉', count: 1, user_ids: [bot.userId] }]);
    const [m] = await historyOf(http, user, chatId);
    expect(m!.reactions).toEqual([{ emoji: '🎉', count: 1, user_ids: [bot.userId] }]);
    const { events } = await feedOf(http, user);
    expect(events.at(-1)).toMatchObject({
      type: 'message.reaction',
      data: { user_id: bot.userId, old_reaction: [], new_reaction: ['🎉'] },
    });
    await botCall(http, bot, 'set-reaction', {
      chat_id: chatId,
      message_id: own.id,
      emoji: '🎉',
      add: false,
    });
    expect((await historyOf(http, user, chatId))[0]).not.toHaveProperty('reactions');
    expect(await updatesOf(http, bot)).toEqual([]);
  });

  it.each([
    [{ emoji: 'abc' }, 400, 'emoji: must be one emoji'],
    [{ emoji: '👍👍' }, 400, 'emoji: must be one emoji'],
    [{}, 400, 'emoji is required'],
    [{ emoji: '👍', add: 'yes' }, 400, 'add: '],
    [{ emoji: '👍', message_id: NO_SUCH_ID }, 404, 'message not found'],
    [{ emoji: '👍', message_id: 'x' }, 404, 'message not found'],
  ])('refuses set-reaction %j → %i', async (body, status, message) => {
    const { http } = t.current;
    const { bot, chatId, messageId } = await botMessage();
    const res = await botCall(
      http,
      bot,
      'set-reaction',
      { chat_id: chatId, message_id: messageId, ...body },
      status,
    );
    expect(res.body.error).toContain(message);
  });

  it('limits reactions per member, and strangers may not react', async () => {
    const { http } = t.current;
    const { user, chatId, messageId } = await botMessage();
    const url = `/api/v1/chats/${chatId}/messages/${messageId}/reactions`;
    for (const emoji of ['👍', '❤️', '🔥']) {
      await http.post(url).set(bearer(user)).send({ emoji }).expect(200);
    }
    const res = await http.post(url).set(bearer(user)).send({ emoji: '😂' }).expect(400);
    expect(res.body).toEqual({ error: 'emoji: at most 3 reactions per message' });
    const stranger = await registerUser(http);
    await http.post(url).set(bearer(stranger)).send({ emoji: '👍' }).expect(403);
    const outsider = await registerBot(http, stranger);
    await botCall(
      http,
      outsider,
      'set-reaction',
      { chat_id: chatId, message_id: messageId, emoji: '👍' },
      403,
    );
  });
});

describe('polls', () => {
  async function poll(body: Record<string, unknown> = {}) {
    const { http } = t.current;
    const ctx = await userBotChat(http);
    const res = await botCall(http, ctx.bot, 'send-poll', {
      chat_id: ctx.chatId,
      question: 'Lunch?',
      options: ['Pizza', 'Sushi', 'Salad'],
      ...body,
    });
    return { ...ctx, messageId: res.body.message_id as string, message: res.body.message };
  }

  it('non-anonymous: votes reach the bot as poll_answer and people as poll.updated', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId, message } = await poll({ is_anonymous: false });
    expect(message).toMatchObject({
      content: 'Lunch?',
      poll: {
        question: 'Lunch?',
        is_anonymous: false,
        allows_multiple_answers: false,
        total_voter_count: 0,
        options: [
          { id: 0, text: 'Pizza', voter_count: 0, voter_ids: [] },
          { id: 1, text: 'Sushi', voter_count: 0, voter_ids: [] },
          { id: 2, text: 'Salad', voter_count: 0, voter_ids: [] },
        ],
      },
    });
    const pollId = message.poll.id;
    const votes = `/api/v1/chats/${chatId}/polls/${messageId}/votes`;
    const voted = await http
      .post(votes)
      .set(bearer(user))
      .send({ option_ids: [1] })
      .expect(200);
    expect(voted.body.poll).toMatchObject({
      id: pollId,
      total_voter_count: 1,
      options: [{ voter_count: 0 }, { voter_count: 1, voter_ids: [user.id] }, { voter_count: 0 }],
    });
    await http
      .post(votes)
      .set(bearer(user))
      .send({ option_ids: [2] })
      .expect(200);
    await http.post(votes).set(bearer(user)).send({ option_ids: [] }).expect(200);
    await http.post(votes).set(bearer(user)).send({ option_ids: [] }).expect(200); // nothing to retract

    const ups = await updatesOf(http, bot);
    expect(ups.map((u) => u.type)).toEqual(['poll_answer', 'poll_answer', 'poll_answer']);
    expect(ups[0]!.payload).toMatchObject({
      poll_id: pollId,
      message_id: messageId,
      chat_id: chatId,
      user_id: user.id,
      username: user.username,
      option_ids: [1],
    });
    expect(ups.map((u) => u.payload.option_ids)).toEqual([[1], [2], []]);

    const { events } = await feedOf(http, user);
    const updated = events.filter((e) => e.type === 'poll.updated');
    expect(updated).toHaveLength(3);
    expect(updated[0]!.data).toMatchObject({ chat_id: chatId, message_id: messageId });
    const [m] = await historyOf(http, user, chatId);
    expect(m).toMatchObject({ poll: { id: pollId, total_voter_count: 0 } });
  });

  it('anonymous (the default): results only, no poll_answer; multiple answers when allowed', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await poll({ allows_multiple_answers: true });
    const res = await http
      .post(`/api/v1/chats/${chatId}/polls/${messageId}/votes`)
      .set(bearer(user))
      .send({ option_ids: [0, 2] })
      .expect(200);
    expect(res.body.poll).toMatchObject({
      is_anonymous: true,
      total_voter_count: 1,
      options: [{ voter_count: 1 }, { voter_count: 0 }, { voter_count: 1 }],
    });
    expect(res.body.poll.options[0]).not.toHaveProperty('voter_ids');
    expect(await updatesOf(http, bot)).toEqual([]);
    const { events } = await feedOf(http, user);
    expect(events.at(-1)!.type).toBe('poll.updated');
  });

  it.each([
    [{ options: ['only'] }, 'options: a poll needs 2 to 10 options'],
    [{ options: Array.from({ length: 11 }, (_, i) => `o${i}`) }, 'options: a poll needs 2'],
    [{ options: ['a', 'a'] }, 'options: options must be different'],
    [{ options: ['a', ''] }, 'options[1]: must not be empty'],
    [{ question: '' }, 'question: must not be empty'],
    [{ question: undefined }, 'question is required'],
    [{ is_anonymous: 'no' }, 'is_anonymous: '],
  ])('refuses send-poll %j', async (override, message) => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const body = { chat_id: chatId, question: 'Q?', options: ['a', 'b'], ...override };
    const res = await botCall(http, bot, 'send-poll', body, 400);
    expect(res.body.error).toContain(message);
  });

  it('votes in one transaction: a failing fan-out leaves no vote', async () => {
    const { http, platform } = t.current;
    const { user, chatId, messageId, message } = await poll({ is_anonymous: false });
    const votes = `/api/v1/chats/${chatId}/polls/${messageId}/votes`;
    // The fan-out (after the vote and its re-read) fails.
    await platform.sql.query(`
      CREATE FUNCTION refuse_poll_event() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE TRIGGER refuse_poll_event BEFORE INSERT ON user_events
        FOR EACH ROW WHEN (NEW.type = 'poll.updated') EXECUTE FUNCTION refuse_poll_event();`);
    try {
      await http
        .post(votes)
        .set(bearer(user))
        .send({ option_ids: [1] })
        .expect(500);
    } finally {
      await platform.sql.query(
        'DROP TRIGGER refuse_poll_event ON user_events; DROP FUNCTION refuse_poll_event();',
      );
    }
    const { rows } = await platform.sql.query('SELECT 1 FROM poll_votes WHERE poll_id = $1', [
      message.poll.id,
    ]);
    expect(rows).toHaveLength(0);
    const [shown] = await historyOf(http, user, chatId);
    expect(shown).toMatchObject({ poll: { total_voter_count: 0 } });
  });

  it('refuses bad votes, non-poll messages, strangers and unknown polls', async () => {
    const { http } = t.current;
    const { user, chatId, messageId } = await poll();
    const url = (id = messageId) => `/api/v1/chats/${chatId}/polls/${id}/votes`;
    const cases: [object, number, string][] = [
      [{ option_ids: [3] }, 400, 'option_ids: 3 is not an option of this poll'],
      [{ option_ids: [0, 1] }, 400, 'option_ids: this poll takes one answer'],
      [{ option_ids: [0, 0] }, 400, 'option_ids: must not repeat an option'],
      [{ option_ids: ['0'] }, 400, 'option_ids[0]: '],
      [{}, 400, 'option_ids is required'],
    ];
    for (const [body, status, error] of cases) {
      const res = await http.post(url()).set(bearer(user)).send(body).expect(status);
      expect(res.body.error).toContain(error);
    }
    const plain = await say(http, user, chatId, 'not a poll');
    const np = await http
      .post(url(plain.id))
      .set(bearer(user))
      .send({ option_ids: [0] })
      .expect(400);
    expect(np.body).toEqual({ error: 'message_id: this message has no poll' });
    await http
      .post(url(NO_SUCH_ID))
      .set(bearer(user))
      .send({ option_ids: [0] })
      .expect(404);
    await http
      .post(url('x'))
      .set(bearer(user))
      .send({ option_ids: [0] })
      .expect(404);
    const stranger = await registerUser(http);
    await http
      .post(url())
      .set(bearer(stranger))
      .send({ option_ids: [0] })
      .expect(403);
  });
});

describe('pins', () => {
  it('pins one message per chat; getChat shows it; unpin clears it', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage('rules');
    const other = await say(http, user, chatId, 'also important');
    await botCall(http, bot, 'pin-message', { chat_id: chatId, message_id: messageId });
    let chat = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot)).expect(200);
    expect(chat.body.chat.pinned_message).toMatchObject({ id: messageId, content: 'rules' });
    // Pinning another replaces it (a person's message may be pinned too).
    await botCall(http, bot, 'pin-message', { chat_id: chatId, message_id: other.id });
    chat = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot)).expect(200);
    expect(chat.body.chat.pinned_message.id).toBe(other.id);
    const mine = await http.get(`/api/v1/chats/${chatId}`).set(bearer(user)).expect(200);
    expect(mine.body.chat.pinned_message_id).toBe(other.id);

    await botCall(http, bot, 'unpin-message', { chat_id: chatId });
    chat = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot)).expect(200);
    expect(chat.body.chat.pinned_message).toBeNull();
    await botCall(http, bot, 'unpin-message', { chat_id: chatId }); // nothing pinned: fine

    const { events } = await feedOf(http, user);
    const pins = events.filter((e) => e.type.startsWith('message.') && e.type.endsWith('pinned'));
    expect(pins.map((e) => e.type)).toEqual([
      'message.pinned',
      'message.pinned',
      'message.unpinned',
    ]);
    expect(pins[0]!.data).toMatchObject({ chat_id: chatId, message: { id: messageId } });
    expect(pins[2]!.data).toEqual({ chat_id: chatId, message_id: other.id });
    expect(await updatesOf(http, bot)).toHaveLength(1); // only the person's message
  });

  it('unpins when the pinned message is deleted', async () => {
    const { http } = t.current;
    const { user, bot, chatId, messageId } = await botMessage('temporary');
    await botCall(http, bot, 'pin-message', { chat_id: chatId, message_id: messageId });
    await botCall(http, bot, 'delete-message', { chat_id: chatId, message_id: messageId });
    const chat = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot)).expect(200);
    expect(chat.body.chat.pinned_message).toBeNull();
    const { events } = await feedOf(http, user);
    expect(events.at(-1)).toMatchObject({ type: 'message.deleted', data: { unpinned: true } });
  });

  it('refuses other chats’ messages (404), outsiders (403) and bad input (400)', async () => {
    const { http } = t.current;
    const a = await botMessage();
    const b = await botMessage();
    await botCall(http, a.bot, 'pin-message', { chat_id: a.chatId, message_id: b.messageId }, 404);
    await botCall(http, a.bot, 'pin-message', { chat_id: b.chatId, message_id: b.messageId }, 403);
    await botCall(http, a.bot, 'unpin-message', { chat_id: b.chatId }, 403);
    const res = await botCall(http, a.bot, 'pin-message', { chat_id: a.chatId }, 400);
    expect(res.body).toEqual({ error: 'message_id is required' });
    await botCall(http, a.bot, 'unpin-message', {}, 400);
  });
});

describe('chat actions', () => {
  it('shows "typing" to people through the feed until it expires', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const before = Date.now();
    await botCall(http, bot, 'send-chat-action', { chat_id: chatId });
    await botCall(http, bot, 'send-chat-action', { chat_id: chatId, action: 'upload_photo' });
    const { events } = await feedOf(http, user);
    expect(events.map((e) => [e.type, e.data.action])).toEqual([
      ['chat.action', 'typing'],
      ['chat.action', 'upload_photo'],
    ]);
    expect(events[0]!.data).toMatchObject({
      chat_id: chatId,
      user_id: bot.userId,
      username: bot.username,
    });
    const expires = Date.parse(events[0]!.data.expires_at as string);
    expect(expires - before).toBeGreaterThanOrEqual(4500);
    expect(expires - before).toBeLessThan(10000);
    expect(await updatesOf(http, bot)).toEqual([]);

    // Once expired, the feed no longer returns them (aged here rather than waited for).
    await platform.sql.query(
      `UPDATE user_events SET payload = jsonb_set(payload, '{expiresAt}', to_jsonb(now() - interval '1 second'))
        WHERE user_id = $1 AND type = 'chat.action'`,
      [user.id],
    );
    await say(http, user, chatId, 'after');
    const later = await feedOf(http, user);
    expect(later.events.map((e) => e.type)).toEqual(['message.new']);
  });

  it.each([
    [{ action: 'dancing' }, 400, 'action: must be one of typing'],
    [{ chat_id: undefined }, 400, 'chat_id is required'],
    [{ chat_id: NO_SUCH_ID }, 404, 'chat not found'],
  ])('refuses %j → %i', async (override, status, message) => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const res = await botCall(
      http,
      bot,
      'send-chat-action',
      { chat_id: chatId, ...override },
      status,
    );
    expect(res.body.error).toContain(message);
  });

  it('refuses a chat the bot is not in', async () => {
    const { http } = t.current;
    const { chatId } = await userBotChat(http);
    const outsider = await registerBot(http, await registerUser(http));
    await botCall(http, outsider, 'send-chat-action', { chat_id: chatId }, 403);
  });
});
