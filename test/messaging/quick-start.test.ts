import { useTestPlatform } from '../support/platform';
import {
  bearer,
  botAuth,
  openChat,
  registerBot,
  registerUser,
  say,
  userBotChat,
} from '../support/fixtures';

const t = useTestPlatform();

describe('the Quick Start loop', () => {
  it('sees each update exactly once and the reply reaches the user', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const sent = await say(http, user, chatId, '/start');

    const first = await http.get('/api/v1/bot/updates?timeout=5').set(botAuth(bot)).expect(200);
    expect(first.body.updates).toHaveLength(1);
    const [u] = first.body.updates;
    expect(u).toMatchObject({ type: 'message', update_id: 1 });
    expect(u.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(u.payload).toMatchObject({
      message_id: sent.id,
      chat_id: chatId,
      user_id: user.id,
      username: user.username,
      content: '/start',
      is_command: true,
      command: 'start',
    });

    // The loop replies, exactly as the reference's Python does.
    const reply = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: u.payload.chat_id, content: "Hello! I'm your bot." })
      .expect(200);
    expect(reply.body.message_id).toMatch(/^[0-9a-f-]{36}$/);

    // Handed out once: the next poll sees nothing (and waits its timeout for it).
    const again = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(again.body.updates).toEqual([]);

    const history = await http
      .get(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .expect(200);
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      '/start',
      "Hello! I'm your bot.",
    ]);
    expect(history.body.messages[1]).toMatchObject({
      id: reply.body.message_id,
      sender: { id: bot.userId, is_bot: true },
      payload: { is_bot: true },
    });

    const feed = await http.get('/api/v1/events?timeout=0').set(bearer(user)).expect(200);
    expect(
      feed.body.events.map((e: { type: string; data: { content: string } }) => [
        e.type,
        e.data.content,
      ]),
    ).toEqual([
      ['message.new', '/start'],
      ['message.new', "Hello! I'm your bot."],
    ]);
  });

  it('never hands the same update to two concurrent consumers', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    for (let i = 0; i < 20; i++) await say(http, user, chatId, `m${i}`);
    // Two pollers race with small batches; together they must see each update exactly once.
    const seen: number[] = [];
    await Promise.all(
      [0, 1].map(async () => {
        for (;;) {
          const r = await http.get('/api/v1/bot/updates?timeout=0&limit=3').set(botAuth(bot));
          if (r.status === 409) continue;
          if (r.status === 429) {
            // Two pollers retrying on 409 can exceed the per-bot rate limit: back off.
            await new Promise((res) =>
              setTimeout(res, Number(r.headers['retry-after'] ?? 1) * 1000),
            );
            continue;
          }
          if (r.body.updates.length === 0) return;
          seen.push(...r.body.updates.map((u: { update_id: number }) => u.update_id));
        }
      }),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it.each([
    ['/start', 'start', null],
    ['/start deep-link-42', 'start', 'deep-link-42'],
    ['/Help me please', 'help', 'me please'],
    ['hello /start', null, null],
  ])('parses %j as command %j', async (content, command, args) => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, content);
    const r = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(r.body.updates[0].payload).toMatchObject({
      is_command: command !== null,
      command,
      command_args: args,
    });
  });

  it('parses /start@botname arg, for the named bot only (groups)', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const a = await registerBot(http, owner, { name: 'A' });
    const b = await registerBot(http, owner, { name: 'B' });
    const group = await http
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Both', bot_ids: [a.id, b.id] })
      .expect(201);
    const chatId = group.body.chat.id;
    await say(http, owner, chatId, `/start@${a.username} go`);
    const ra = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(a)).expect(200);
    const rb = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(b)).expect(200);
    expect(ra.body.updates[0].payload).toMatchObject({
      is_command: true,
      command: 'start',
      command_args: 'go',
    });
    expect(rb.body.updates[0].payload).toMatchObject({ is_command: false, command: null });
    expect(ra.body.updates[0].payload.chat_type).toBe('group');
  });

  it("never makes updates from a bot's own messages", async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'hi' })
      .expect(200);
    await say(http, user, chatId, 'from the user');
    const r = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(r.body.updates.map((u: { payload: { content: string } }) => u.payload.content)).toEqual([
      'from the user',
    ]);
  });

  it('opens the same private chat again with 200', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const again = await http
      .post('/api/v1/chats')
      .set(bearer(user))
      .send({ bot_id: bot.id })
      .expect(200);
    expect(again.body.chat.id).toBe(chatId);
    expect(await openChat(http, user, bot)).toBe(chatId);
    const list = await http.get('/api/v1/chats').set(bearer(user)).expect(200);
    expect(list.body.chats).toHaveLength(1);
    expect(list.body.chats[0]).toMatchObject({ id: chatId, type: 'private', title: 'Test Bot' });
  });
});
