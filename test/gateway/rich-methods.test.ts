// The gateway's methods over the rich-messaging and webhook domains: media, keyboards,
// deletes, forwards, polls, pins, reactions, chat actions, webhooks; and the update types
// they produce, Telegram-shaped.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, say, userBotChat } from '../support/fixtures';
import type { TestBot } from '../support/fixtures';
import { messageUuid, tgIdOf } from '../support/internals';

const t = useTestPlatform();
const gw = () => supertest(t.current.platform.gateway);
const post = (bot: TestBot, method: string, body: object = {}) =>
  gw().post(`/bot${bot.telegramToken}/${method}`).send(body);
// The Telegram form's integer ids (issue 14) against the messenger API's UUIDs.
const tgId = (userId: string) => tgIdOf(t.current.platform, userId);
const uuidOf = (chatId: string, n: number) => messageUuid(t.current.platform, chatId, n);
const kotoPost = (bot: TestBot, method: string, body: object = {}) =>
  gw().post(`/${method}`).set('authorization', `Bearer ${bot.apiKey}`).send(body);
const updates = async (bot: TestBot) =>
  (await post(bot, 'getUpdates', { timeout: 0 }).expect(200)).body.result;

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('gateway: photos and documents', () => {
  it('sends a photo uploaded as a file (type and size read off it) and as Koto base64', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const upload = await gw()
      .post(`/bot${bot.telegramToken}/sendPhoto`)
      .field('chat_id', chatId)
      .field('caption', 'a dot')
      .field('photo', 'attach://pic')
      .field(
        'reply_markup',
        JSON.stringify({ inline_keyboard: [[{ text: 'Ok', callback_data: 'ok' }]] }),
      )
      .attach('pic', PNG, { filename: 'dot.png', contentType: 'application/octet-stream' })
      .expect(200);
    const m = upload.body.result;
    expect(m.text).toBeUndefined();
    expect(m.caption).toBe('a dot');
    expect(m.reply_markup.inline_keyboard[0][0].callback_data).toBe('ok');
    // Exactly Telegram's PhotoSize on the Telegram form.
    expect(m.photo).toEqual([
      {
        file_id: expect.any(String),
        file_unique_id: expect.any(String),
        width: 1,
        height: 1,
        file_size: PNG.length,
      },
    ]);
    const koto = await post(bot, 'sendPhoto', {
      chat_id: chatId,
      photo: PNG.toString('base64'),
      mime: 'image/png',
      w: 1,
      h: 1,
    }).expect(200);
    expect(koto.body.result.photo[0]).toMatchObject({ width: 1, height: 1 });
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    expect(history.body.messages.map((x: { media?: { kind: string } }) => x.media?.kind)).toEqual([
      'photo',
      'photo',
    ]);
    const bad = await post(bot, 'sendPhoto', { chat_id: chatId }).expect(400);
    expect(bad.body.description).toBe('Bad Request: there is no photo in the request');
  });

  it('sends a document from a multipart part and from Koto base64', async () => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const part = await gw()
      .post(`/bot${bot.telegramToken}/sendDocument`)
      .field('chat_id', chatId)
      .attach('document', Buffer.from('hello, file'), {
        filename: 'notes.txt',
        contentType: 'text/plain',
      })
      .expect(200);
    expect(part.body.result.document).toMatchObject({
      file_name: 'notes.txt',
      mime_type: 'text/plain',
      file_size: 11,
    });
    const koto = await post(bot, 'sendDocument', {
      chat_id: chatId,
      document: Buffer.from('abc').toString('base64'),
      file_name: 'a.bin',
      mime: 'application/octet-stream',
      size: 3,
    }).expect(200);
    expect(koto.body.result.document).toMatchObject({ file_name: 'a.bin', file_size: 3 });
  });

  it("delivers a user's photo as a PhotoSize list, with the bytes inline on the Koto form", async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({
        content: 'look',
        media: { data: PNG.toString('base64'), mime: 'image/png', w: 1, h: 1 },
      })
      .expect(201);
    const [u] = await updates(bot);
    expect(u.message.caption).toBe('look');
    expect(u.message.photo[0]).toMatchObject({ width: 1, height: 1 });
    expect(u.message.photo[0].data).toBeUndefined();
    const [k] = (await kotoPost(bot, 'getUpdates', { timeout: 0 }).expect(200)).body.result;
    expect(k.message.photo[0]).toMatchObject({ w: 1, h: 1, data: PNG.toString('base64') });
  });
});

describe('gateway: changing and relaying messages', () => {
  it('replaces and removes a keyboard, and deletes a message', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const sent = await post(bot, 'sendMessage', { chat_id: chatId, text: 'menu' }).expect(200);
    const ref = { chat_id: chatId, message_id: sent.body.result.message_id };
    const set = await post(bot, 'editMessageReplyMarkup', {
      ...ref,
      reply_markup: [[{ text: 'Go', data: 'go' }]],
    }).expect(200);
    expect(set.body.result.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]],
    });
    const cleared = await post(bot, 'editMessageReplyMarkup', {
      ...ref,
      reply_markup: { inline_keyboard: [] },
    }).expect(200);
    expect(cleared.body.result.reply_markup).toBeUndefined();
    const edited = await post(bot, 'editMessageText', {
      ...ref,
      text: 'menu v2',
      reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] },
    }).expect(200);
    expect(edited.body.result).toMatchObject({
      text: 'menu v2',
      reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] },
    });

    expect((await post(bot, 'deleteMessage', ref).expect(200)).body).toEqual({
      ok: true,
      result: true,
    });
    const again = await post(bot, 'deleteMessage', ref).expect(400);
    expect(again.body.description).toBe('Bad Request: message to delete not found');
    const theirs = await say(http, user, chatId, 'mine');
    const refused = await post(bot, 'deleteMessage', { chat_id: chatId, message_id: theirs.id });
    expect([refused.status, refused.body.description]).toEqual([
      400,
      "Bad Request: message can't be deleted",
    ]);
  });

  it('forwards in the Koto form (text + label) and the Telegram form (a message by id)', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const koto = await kotoPost(bot, 'forwardMessage', {
      chat_id: chatId,
      text: 'fwd',
      from: 'Alice',
    }).expect(200);
    expect(koto.body.result).toMatchObject({ text: 'fwd', forward_from: 'Alice' });
    // Telegram's forward_from would be a User: that form carries the origin only.
    const labelled = await post(bot, 'forwardMessage', { chat_id: chatId, text: 'fwd', from: 'A' });
    expect(labelled.body.result.forward_from).toBeUndefined();
    const original = await say(http, user, chatId, 'worth sharing');
    const tg = await post(bot, 'forwardMessage', {
      chat_id: chatId,
      from_chat_id: chatId,
      message_id: original.id,
    }).expect(200);
    expect(tg.body.result).toMatchObject({
      text: 'worth sharing',
      forward_origin: { type: 'hidden_user', sender_user_name: user.username },
    });
  });

  it('sends a poll and reports non-anonymous votes as poll_answer', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const sent = await post(bot, 'sendPoll', {
      chat_id: chatId,
      question: 'Tea or coffee?',
      options: ['Tea', { text: 'Coffee' }],
      is_anonymous: false,
    }).expect(200);
    const poll = sent.body.result.poll;
    expect(poll).toMatchObject({
      question: 'Tea or coffee?',
      options: [
        { text: 'Tea', voter_count: 0 },
        { text: 'Coffee', voter_count: 0 },
      ],
      is_anonymous: false,
      type: 'regular',
    });
    await http
      .post(
        `/api/v1/chats/${chatId}/polls/${await uuidOf(chatId, sent.body.result.message_id)}/votes`,
      )
      .set(bearer(user))
      .send({ option_ids: [1] })
      .expect(200);
    const [u] = await updates(bot);
    expect(u.poll_answer).toMatchObject({
      poll_id: poll.id,
      user: { id: await tgId(user.id), is_bot: false, username: user.username },
      option_ids: [1],
    });
  });

  it('pins and unpins; getChat shows the pinned message', async () => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const sent = await post(bot, 'sendMessage', { chat_id: chatId, text: 'rules' }).expect(200);
    const id = sent.body.result.message_id;
    await post(bot, 'pinChatMessage', { chat_id: chatId, message_id: id }).expect(200);
    const chat = await post(bot, 'getChat', { chat_id: chatId }).expect(200);
    expect(chat.body.result.pinned_message).toMatchObject({ message_id: id, text: 'rules' });
    await post(bot, 'unpinChatMessage', { chat_id: chatId }).expect(200);
    const after = await post(bot, 'getChat', { chat_id: chatId }).expect(200);
    expect(after.body.result.pinned_message).toBeUndefined();
    const missing = await post(bot, 'pinChatMessage', { chat_id: chatId, message_id: 'nope' });
    expect(missing.body.description).toBe('Bad Request: message to pin not found');
  });

  it("sets reactions in both forms and reports a user's as message_reaction", async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const msg = await say(http, user, chatId, 'react to me');
    const ref = { chat_id: chatId, message_id: msg.id };
    const reactionsOf = async () => {
      const h = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
      return (h.body.messages[0].reactions ?? []).map((r: { emoji: string }) => r.emoji);
    };
    await post(bot, 'setMessageReaction', { ...ref, emoji: '👍' }).expect(200);
    expect(await reactionsOf()).toEqual(['👍']);
    await post(bot, 'setMessageReaction', {
      ...ref,
      reaction: [{ type: 'emoji', emoji: '🔥' }],
    }).expect(200);
    expect(await reactionsOf()).toEqual(['🔥']);
    await post(bot, 'setMessageReaction', { ...ref, reaction: [] }).expect(200);
    expect(await reactionsOf()).toEqual([]);

    await http
      .post(`/api/v1/chats/${chatId}/messages/${msg.id}/reactions`)
      .set(bearer(user))
      .send({ emoji: '🎉' })
      .expect(200);
    const ups = await updates(bot);
    expect(ups.at(-1).message_reaction).toMatchObject({
      chat: { id: await tgId(user.id), type: 'private' },
      message_id: 1,
      user: { id: await tgId(user.id) },
      old_reaction: [],
      new_reaction: [{ type: 'emoji', emoji: '🎉' }],
    });

    // An emoji Telegram's reaction type lacks: the Telegram form leaves it out (its result is
    // checked against Telegram's types), the Koto form shows it.
    await http
      .post(`/api/v1/chats/${chatId}/messages/${msg.id}/reactions`)
      .set(bearer(user))
      .send({ emoji: '🦀' })
      .expect(200);
    const koto = await gw()
      .post('/getUpdates')
      .set('authorization', `Bearer k${bot.apiKey}`)
      .send({ timeout: 0 })
      .expect(200);
    const seen = await updates(bot);
    expect(seen.at(-1).message_reaction.new_reaction).toEqual([{ type: 'emoji', emoji: '🎉' }]);
    expect(koto.body.result.at(-1).message_reaction.new_reaction).toEqual([
      { type: 'emoji', emoji: '🎉' },
      { type: 'emoji', emoji: '🦀' },
    ]);
  });

  it('sends chat actions, and reports edits as edited_message', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    expect(
      (await post(bot, 'sendChatAction', { chat_id: chatId, action: 'typing' }).expect(200)).body
        .result,
    ).toBe(true);
    await post(bot, 'sendChatAction', { chat_id: chatId, action: 'dancing' }).expect(400);
    const msg = await say(http, user, chatId, '/start typo');
    await http
      .patch(`/api/v1/chats/${chatId}/messages/${msg.id}`)
      .set(bearer(user))
      .send({ content: '/start fixed' })
      .expect(200);
    const [first, second] = await updates(bot);
    expect(first.message.text).toBe('/start typo');
    expect(second.edited_message).toMatchObject({
      message_id: first.message.message_id,
      text: '/start fixed',
      edit_date: expect.any(Number),
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
  });
});

describe('gateway: webhooks', () => {
  it('sets a webhook (getUpdates then answers 409), shows it, and deletes it', async () => {
    const { http } = t.current;
    const { bot } = await userBotChat(http);
    await post(bot, 'setWebhook', {
      url: 'http://127.0.0.1:9/hook',
      secret_token: 'tok_123',
      max_connections: 5,
      allowed_updates: ['message', 'callback_query'],
    }).expect(200);
    const info = await post(bot, 'getWebhookInfo').expect(200);
    expect(info.body.result).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 5,
      allowed_updates: ['message', 'callback_query'],
    });
    const conflict = await post(bot, 'getUpdates', { timeout: 0 }).expect(409);
    expect(conflict.body.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    await post(bot, 'deleteWebhook').expect(200);
    await post(bot, 'getUpdates', { timeout: 0 }).expect(200);
    // An empty url removes it too (node-telegram-bot-api unsets webhooks that way).
    await post(bot, 'setWebhook', { url: 'http://127.0.0.1:9/hook' }).expect(200);
    await post(bot, 'setWebhook', { url: '' }).expect(200);
    expect((await post(bot, 'getWebhookInfo').expect(200)).body.result.url).toBe('');
  });
});
