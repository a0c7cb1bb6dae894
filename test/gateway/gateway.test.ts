import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import type { TestBot } from '../support/fixtures';
import { messageUuid, tgIdOf } from '../support/internals';

const t = useTestPlatform();
const gw = () => supertest(t.current.platform.gateway);
const post = (bot: TestBot, method: string, body: object = {}) =>
  gw().post(`/bot${bot.telegramToken}/${method}`).send(body);

// The Telegram form shows integer ids (issue 14): a user or bot its random tg_id, a private
// chat its person's, a message its number in the chat; the messenger API keeps UUIDs.
const tgId = (userId: string) => tgIdOf(t.current.platform, userId);
const uuidOf = (chatId: string, n: number) => messageUuid(t.current.platform, chatId, n);

describe('gateway: auth, routing and the envelope', () => {
  it('hands out a Telegram-form token at registration, accepted wherever the key is', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner);
    expect(bot.telegramToken).toMatch(/^\d+:[A-Za-z0-9_-]{43}$/);
    expect(bot.telegramToken.split(':')[1]).toBe(bot.apiKey.slice(4));

    const me = { ok: true, result: expect.objectContaining({ username: bot.username }) };
    for (const token of [bot.apiKey, bot.telegramToken]) {
      expect((await gw().get(`/bot${token}/getMe`).expect(200)).body).toEqual(me);
      const viaHeader = await gw().get('/getMe').set('authorization', `Bearer ${token}`);
      expect(viaHeader.body).toEqual(me);
      await http.get('/api/v1/bot/me').set('x-bot-token', token).expect(200);
    }
    // The digits are part of the token: another bot's digits with this secret are refused.
    const [digits, secret] = bot.telegramToken.split(':');
    const forged = `${Number(digits) + 1}:${secret}`;
    const res = await gw().get(`/bot${forged}/getMe`).expect(401);
    expect(res.body).toEqual({
      ok: false,
      error_code: 401,
      description: 'Unauthorized',
      error: 'Unauthorized',
    });
    await gw().get('/getMe').expect(401);
    await gw().get('/getMe').set('authorization', 'Bearer nope').expect(401);
  });

  it('answers getMe, matches method names case-insensitively, on both ports, GET and POST', async () => {
    const { http, platform } = t.current;
    const { bot } = await userBotChat(http);
    const expected = {
      ok: true,
      result: expect.objectContaining({
        id: await tgId(bot.userId),
        is_bot: true,
        first_name: 'Test Bot',
        username: bot.username,
      }),
    };
    for (const m of ['getMe', 'getme', 'GETME']) {
      expect((await gw().get(`/bot${bot.telegramToken}/${m}`).expect(200)).body).toEqual(expected);
    }
    expect((await post(bot, 'getMe').expect(200)).body).toEqual(expected);
    const onApiPort = await supertest(platform.api)
      .post('/gateway/getMe')
      .set('authorization', `Bearer ${bot.apiKey}`)
      .expect(200);
    // The Koto form: the same bot, as its Koto id.
    expect(onApiPort.body).toEqual({
      ok: true,
      result: expect.objectContaining({ id: expect.stringMatching(/^bot-[0-9a-z]+$/) }),
    });
    await supertest(platform.api).get(`/gateway/bot${bot.telegramToken}/getMe`).expect(200);
  });

  it('answers an unknown method with 404 and every reference method with something else', async () => {
    const { http } = t.current;
    const { bot } = await userBotChat(http);
    const res = await post(bot, 'launchRockets').expect(404);
    expect(res.body).toEqual({
      ok: false,
      error_code: 404,
      description: 'Not Found: method not found',
      error: 'Not Found: method not found',
    });
    const reference = [
      'getMe getUpdates getChat sendMessage sendPhoto sendDocument editMessageText',
      'editMessageReplyMarkup deleteMessage forwardMessage sendPoll pinChatMessage',
      'unpinChatMessage setMessageReaction sendChatAction answerCallbackQuery setMyCommands',
      'getMyCommands deleteMyCommands setWebhook deleteWebhook getWebhookInfo',
    ]
      .join(' ')
      .split(' ');
    for (const method of reference) {
      const r = await post(bot, method, { timeout: 0 });
      expect([method, r.status]).not.toEqual([method, 404]);
      expect(r.body.ok === true || r.body.error_code === r.status).toBe(true);
    }
  });
});

describe('gateway: sendMessage', () => {
  it('sends with a Telegram inline keyboard and returns the Telegram message', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const res = await post(bot, 'sendMessage', {
      chat_id: chatId,
      text: 'Choose',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Yes', callback_data: 'y' },
            { text: 'Site', url: 'https://example.com' },
          ],
        ],
      },
    }).expect(200);
    expect(res.body.ok).toBe(true);
    const m = res.body.result;
    expect(m).toEqual({
      message_id: 1,
      date: expect.any(Number),
      chat: { id: await tgId(user.id), type: 'private', first_name: user.username },
      from: {
        id: await tgId(bot.userId),
        is_bot: true,
        first_name: 'Test Bot',
        username: bot.username,
      },
      text: 'Choose',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Yes', callback_data: 'y' },
            { text: 'Site', url: 'https://example.com' },
          ],
        ],
      },
    });
    expect(Math.abs(m.date - Date.now() / 1000)).toBeLessThan(5);
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    expect(history.body.messages[0].payload.buttons).toEqual(
      m.reply_markup.inline_keyboard as unknown,
    );
  });

  it("takes Koto's rows of {text, data} and reply_to_message_id", async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const asked = await say(http, user, chatId, 'question?');
    const res = await gw()
      .post('/sendMessage')
      .set('authorization', `Bearer ${bot.apiKey}`)
      .send({
        chat_id: chatId,
        text: 'answer',
        reply_markup: [[{ text: 'Yes', data: 'y' }], [{ text: 'No', data: 'n' }]],
        reply_to_message_id: asked.id,
      })
      .expect(200);
    expect(res.body.result.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Yes', callback_data: 'y' }],
        [{ text: 'No', callback_data: 'n' }],
      ],
    });
    expect(res.body.result.reply_to_message).toMatchObject({
      message_id: asked.id,
      text: 'question?',
      // The Koto form's ids: KOTO-… for people.
      from: {
        id: expect.stringMatching(/^KOTO-[0-9A-Z]+$/),
        is_bot: false,
        username: user.username,
      },
    });
  });

  it('reads parameters from query strings, urlencoded and multipart forms', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const keyboard = JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] });
    await gw()
      .get(`/bot${bot.telegramToken}/sendMessage`)
      .query({ chat_id: chatId, text: 'via query' })
      .expect(200);
    const form = await gw()
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .type('form')
      .send({ chat_id: chatId, text: 'via form', reply_markup: keyboard })
      .expect(200);
    expect(form.body.result.reply_markup.inline_keyboard[0][0].callback_data).toBe('go');
    const multipart = await gw()
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .field('chat_id', chatId)
      .field('text', 'via multipart')
      .field('reply_markup', keyboard)
      .expect(200);
    expect(multipart.body.result.reply_markup.inline_keyboard[0][0].text).toBe('Go');
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'via query',
      'via form',
      'via multipart',
    ]);
  });

  it("fails in Telegram's words", async () => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const other = await userBotChat(http);
    const cases: [object, number, string][] = [
      [{ chat_id: chatId }, 400, 'Bad Request: message text is empty'],
      [{ chat_id: chatId, text: '  ' }, 400, 'Bad Request: message text is empty'],
      [{ text: 'hi' }, 400, 'Bad Request: chat_id is empty'],
      [{ chat_id: 'nope', text: 'hi' }, 400, 'Bad Request: chat not found'],
      [
        { chat_id: '00000000-0000-4000-8000-000000000000', text: 'hi' },
        400,
        'Bad Request: chat not found',
      ],
      [{ chat_id: other.chatId, text: 'hi' }, 403, 'Forbidden: bot is not a member of the chat'],
      [
        { chat_id: chatId, text: 'hi', reply_to_message_id: 'x' },
        400,
        'Bad Request: message to be replied not found',
      ],
      [
        {
          chat_id: chatId,
          text: 'hi',
          reply_to_message_id: '00000000-0000-4000-8000-000000000000',
        },
        400,
        'Bad Request: message to be replied not found',
      ],
      [{ chat_id: chatId, text: 'x'.repeat(4097) }, 400, 'Bad Request: message is too long'],
      [
        { chat_id: chatId, text: 'hi', reply_markup: [[{ text: 'x', switch_inline_query: '' }]] },
        400,
        'Bad Request: reply_markup: only callback_data (data), url and web_app buttons are supported',
      ],
    ];
    for (const [body, status, description] of cases) {
      const res = await post(bot, 'sendMessage', body);
      expect([body, res.status, res.body]).toEqual([
        body,
        status,
        { ok: false, error_code: status, description, error: description },
      ]);
    }
    const bad = await gw()
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .type('form')
      .send({ chat_id: chatId, text: 'hi', reply_markup: '{oops' })
      .expect(400);
    expect(bad.body.description).toBe("Bad Request: can't parse reply_markup JSON object");
    const badJson = await gw()
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .set('content-type', 'application/json')
      .send('{"chat_id":')
      .expect(400);
    expect(badJson.body.ok).toBe(false);
  });
});

describe('gateway: getUpdates', () => {
  it('returns Telegram updates: integer update_id, message fields and a bot_command entity', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const first = await say(http, user, chatId, '/start ref-42');
    const reply = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'hi there', reply_to_message_id: first.id })
      .expect(201);
    const res = await gw().get(`/bot${bot.telegramToken}/getUpdates?timeout=0`).expect(200);
    expect(res.body.ok).toBe(true);
    const [a, b] = res.body.result;
    const userTgId = await tgId(user.id);
    expect(a).toEqual({
      update_id: 1,
      message: {
        message_id: 1,
        date: expect.any(Number),
        chat: { id: userTgId, type: 'private', first_name: user.username },
        from: { id: userTgId, is_bot: false, first_name: user.username, username: user.username },
        text: '/start ref-42',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    });
    expect(b.update_id).toBe(2);
    expect(b.message.entities).toBeUndefined();
    expect(await uuidOf(chatId, b.message.message_id)).toBe(reply.body.message.id);
    expect(b.message.reply_to_message).toMatchObject({
      message_id: 1,
      text: '/start ref-42',
      from: { id: userTgId },
    });
  });

  it('acknowledges below offset, clamps limit, filters by allowed_updates', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const sent = await post(bot, 'sendMessage', {
      chat_id: chatId,
      text: 'tap',
      reply_markup: [[{ text: 'A', data: 'a' }]],
    }).expect(200);
    for (const c of ['one', 'two', 'three']) await say(http, user, chatId, c);
    await http
      .post(
        `/api/v1/chats/${chatId}/messages/${await uuidOf(chatId, sent.body.result.message_id)}/callback`,
      )
      .set(bearer(user))
      .send({ callback_data: 'a' })
      .expect(202);
    const ids = async (q: string) => {
      const r = await gw().get(`/bot${bot.telegramToken}/getUpdates?timeout=0&${q}`).expect(200);
      return r.body.result.map((u: { update_id: number }) => u.update_id);
    };
    expect(await ids('')).toEqual([1, 2, 3, 4]);
    expect(await ids('limit=0')).toEqual([1]);
    expect(await ids('limit=500')).toEqual([1, 2, 3, 4]);
    expect(await ids(`allowed_updates=${encodeURIComponent('["callback_query"]')}`)).toEqual([4]);
    const cb = await post(bot, 'getUpdates', {
      offset: 2,
      timeout: 0,
      allowed_updates: ['callback_query'],
    }).expect(200);
    expect(cb.body.result).toHaveLength(1);
    expect(cb.body.result[0].callback_query).toMatchObject({
      from: { id: await tgId(user.id) },
      data: 'a',
      message: {
        chat: { id: await tgId(user.id), type: 'private' },
        message_id: sent.body.result.message_id,
        from: { id: await tgId(bot.userId), is_bot: true, first_name: 'Test Bot' },
        text: 'tap',
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
      },
    });
    expect(await ids('offset=3')).toEqual([3, 4]);
    expect(await ids('offset=0')).toEqual([3, 4]); // acknowledged stays acknowledged
    expect(await ids('offset=5')).toEqual([]);
  });

  it('ends the older of two concurrent getUpdates with 409 in Telegram words', async () => {
    const { http, platform } = t.current;
    const { bot } = await userBotChat(http);
    const before = platform.bus.size;
    const older = gw()
      .get(`/bot${bot.telegramToken}/getUpdates?timeout=20`)
      .then((r) => r);
    const until = Date.now() + 3000;
    while (platform.bus.size === before && Date.now() < until) await sleep(10);
    const newer = gw()
      .get(`/bot${bot.telegramToken}/getUpdates?timeout=1`)
      .then((r) => r);
    const o = await older;
    expect(o.status).toBe(409);
    expect(o.body.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    expect((await newer).status).toBe(200);
  });

  it('holds 25 s by default the Koto way, and answers at once by default the Telegram way', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const poll = jest.spyOn(platform.services.updates, 'park');
    const quick = Date.now();
    await gw().get(`/bot${bot.telegramToken}/getUpdates`).expect(200);
    expect(Date.now() - quick).toBeLessThan(1000);
    expect(poll.mock.calls[0]![1].timeoutS).toBe(0);
    const started = Date.now();
    const pending = gw()
      .get('/getUpdates')
      .set('authorization', `Bearer ${bot.apiKey}`)
      .then((r) => r);
    await sleep(300);
    await say(http, user, chatId, 'late');
    const res = await pending;
    expect(res.body.result[0].message.text).toBe('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(poll.mock.calls[1]![1].timeoutS).toBe(25);
    poll.mockRestore();
  });
});

describe('gateway: callbacks, edits, commands, chats, webhook info', () => {
  it('answers a callback (text and show_alert reach the user) and edits the message', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const sent = await post(bot, 'sendMessage', {
      chat_id: chatId,
      text: 'Pick',
      reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] },
    }).expect(200);
    const messageId = sent.body.result.message_id;
    const tap = await http
      .post(`/api/v1/chats/${chatId}/messages/${await uuidOf(chatId, messageId)}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(202);
    const upd = await post(bot, 'getUpdates', { timeout: 5 }).expect(200);
    const query = upd.body.result[0].callback_query;
    expect(query.id).toBe(tap.body.callback_id);

    const ok = await gw()
      .post(`/bot${bot.telegramToken}/answerCallbackQuery`)
      .type('form')
      .send({ callback_query_id: query.id, text: 'Noted', show_alert: 'true' })
      .expect(200);
    expect(ok.body).toEqual({ ok: true, result: true });
    const seen = await http.get(`/api/v1/callbacks/${query.id}`).set(bearer(user)).expect(200);
    expect(seen.body).toEqual({
      callback_id: query.id,
      answered: true,
      text: 'Noted',
      show_alert: true,
    });
    const again = await post(bot, 'answerCallbackQuery', { callback_query_id: query.id });
    expect([again.status, again.body.description]).toEqual([
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    ]);

    const edited = await post(bot, 'editMessageText', {
      chat_id: query.message.chat.id,
      message_id: query.message.message_id,
      text: 'You chose yes',
    }).expect(200);
    expect(edited.body.result).toMatchObject({
      message_id: messageId,
      text: 'You chose yes',
      edit_date: expect.any(Number),
    });
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    expect(history.body.messages[0]).toMatchObject({
      id: await uuidOf(chatId, messageId),
      content: 'You chose yes',
    });
  });

  it('refuses edits of missing, misplaced and foreign messages', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const mine = await post(bot, 'sendMessage', { chat_id: chatId, text: 'mine' }).expect(200);
    const theirs = await say(http, user, chatId, 'theirs');
    const other = await userBotChat(http);
    const cases: [object, string, number?][] = [
      [{ chat_id: chatId, text: 'x' }, 'Bad Request: message identifier is not specified'],
      [
        { chat_id: chatId, message_id: 'nope', text: 'x' },
        'Bad Request: message to edit not found',
      ],
      [
        { chat_id: other.chatId, message_id: mine.body.result.message_id, text: 'x' },
        'Forbidden: bot is not a member of the chat',
        403,
      ],
      [
        { chat_id: other.chatId, message_id: other.chatId, text: 'x' },
        'Forbidden: bot is not a member of the chat',
        403,
      ],
      [
        { chat_id: chatId, message_id: mine.body.result.message_id },
        'Bad Request: message text is empty',
      ],
      [
        { chat_id: chatId, message_id: theirs.id, text: 'x' },
        "Bad Request: message can't be edited",
      ],
    ];
    for (const [body, description, status = 400] of cases) {
      const res = await post(bot, 'editMessageText', body);
      expect([body, res.status, res.body.description]).toEqual([body, status, description]);
    }
  });

  it('sets, gets and deletes the command menu', async () => {
    const { http } = t.current;
    const { bot } = await userBotChat(http);
    const commands = [
      { command: 'start', description: 'Start' },
      { command: 'help', description: 'Help' },
    ];
    await gw()
      .post(`/bot${bot.telegramToken}/setMyCommands`)
      .type('form')
      .send({ commands: JSON.stringify(commands) })
      .expect(200);
    expect((await post(bot, 'getMyCommands').expect(200)).body.result).toEqual(commands);
    const me = await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey);
    expect(me.body.bot.commands).toEqual(commands);
    const bad = await post(bot, 'setMyCommands', {
      commands: [{ command: 'Bad!', description: 'x' }],
    }).expect(400);
    expect(bad.body.description).toMatch(/^Bad Request: commands\[0\]\.command/);
    await post(bot, 'deleteMyCommands').expect(200);
    expect((await post(bot, 'getMyCommands').expect(200)).body.result).toEqual([]);
  });

  it('describes a chat to its bot member only', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const res = await post(bot, 'getChat', { chat_id: chatId }).expect(200);
    // Telegram's ChatFullInfo on the Telegram form…
    expect(res.body.result).toEqual({
      id: await tgId(user.id),
      type: 'private',
      first_name: user.username,
      username: user.username,
      accent_color_id: 0,
      max_reaction_count: 3,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    });
    // …and the Koto reference's member list on the Koto form.
    const koto = await gw()
      .post('/getChat')
      .set('authorization', `Bearer ${bot.apiKey}`)
      .send({ chat_id: chatId })
      .expect(200);
    expect(koto.body.result).toMatchObject({
      type: 'private',
      members: expect.arrayContaining([
        {
          id: expect.stringMatching(/^KOTO-/),
          is_bot: false,
          first_name: user.username,
          username: user.username,
        },
        {
          id: expect.stringMatching(/^bot-/),
          is_bot: true,
          first_name: 'Test Bot',
          username: bot.username,
        },
      ]),
    });
    const other = await userBotChat(http);
    const denied = await post(bot, 'getChat', { chat_id: other.chatId }).expect(403);
    expect(denied.body.description).toBe('Forbidden: bot is not a member of the chat');
    const missing = await post(bot, 'getChat', { chat_id: 'nope' }).expect(400);
    expect(missing.body.description).toBe('Bad Request: chat not found');
  });

  it('reports pending updates and drops them on deleteWebhook(drop_pending_updates)', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, 'one');
    await say(http, user, chatId, 'two');
    const info = await post(bot, 'getWebhookInfo').expect(200);
    expect(info.body.result).toMatchObject({
      url: '',
      has_custom_certificate: false,
      pending_update_count: 2,
    });
    await post(bot, 'deleteWebhook', { drop_pending_updates: true }).expect(200);
    const after = await post(bot, 'getWebhookInfo').expect(200);
    expect(after.body.result.pending_update_count).toBe(0);
    expect((await post(bot, 'getUpdates', { timeout: 0 })).body.result).toEqual([]);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
