// Ids on the two gateway forms (issue 14). Telegram form: integers — a random 10+ digit id
// per user and bot (the token's digits), a private chat as its person, groups negative, a
// message numbered within its chat; chat_id taken as that integer or @username. Koto form:
// KOTO-… for people, bot-… for bots, a direct chat as its person's Koto id.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, openChat, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import type { TestBot } from '../support/fixtures';

const t = useTestPlatform();
const gw = () => supertest(t.current.platform.gateway);
const tg = (bot: TestBot, method: string, body: object = {}) =>
  gw().post(`/bot${bot.telegramToken}/${method}`).send(body).expect(200);
const koto = (bot: TestBot, method: string, body: object = {}) =>
  gw().post(`/${method}`).set('authorization', `Bearer ${bot.apiKey}`).send(body).expect(200);
const updates = async (bot: TestBot) =>
  (await tg(bot, 'getUpdates', { timeout: 0 })).body.result as {
    update_id: number;
    message: { message_id: number; chat: { id: number; type: string }; from: { id: number } };
  }[];

const isTelegramUserId = (id: unknown) =>
  Number.isSafeInteger(id) && (id as number) >= 100_000_000 && String(id).length >= 9;

describe('Telegram form ids', () => {
  it('users and bots have random 64-bit-safe integers of 9+ digits; the token carries the bot’s', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const bot = await registerBot(http, owner);
      const me = (await tg(bot, 'getMe')).body.result;
      expect(isTelegramUserId(me.id)).toBe(true);
      expect(bot.telegramToken.split(':')[0]).toBe(String(me.id));
      ids.push(me.id);
    }
    // Not a sequence: neighbours are far apart, and all differ.
    expect(new Set(ids).size).toBe(5);
    for (let i = 1; i < ids.length; i++)
      expect(Math.abs(ids[i]! - ids[i - 1]!)).toBeGreaterThan(1000);
  });

  it('a private chat is its person; messages are numbered 1, 2, 3 within each chat', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, 'one');
    const sent = (await tg(bot, 'sendMessage', { chat_id: chatId, text: 'two' })).body.result;
    await say(http, user, chatId, 'three');
    const [a, b] = await updates(bot);
    const person = a!.message.from.id;
    expect(isTelegramUserId(person)).toBe(true);
    expect(a!.message.chat).toEqual({ id: person, type: 'private', first_name: user.username });
    expect([a!.message.message_id, sent.message_id, b!.message.message_id]).toEqual([1, 2, 3]);
    expect(sent.chat.id).toBe(person);

    // Another chat of the same bot counts from 1 again.
    const other = await registerUser(http);
    const otherChat = await http
      .post('/api/v1/chats')
      .set(bearer(other))
      .send({ bot_id: bot.id })
      .expect(201);
    const first = (await tg(bot, 'sendMessage', { chat_id: otherChat.body.chat.id, text: 'hi' }))
      .body.result;
    expect(first.message_id).toBe(1);
    expect(first.chat.id).not.toBe(person);
  });

  it('takes chat_id as the integer, its text, or @username; message ids as the integers', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, 'hello');
    const [u] = await updates(bot);
    const person = u!.message.chat.id;
    for (const chat_id of [person, String(person), `@${user.username}`]) {
      const r = (
        await tg(bot, 'sendMessage', { chat_id, text: `to ${chat_id}`, reply_to_message_id: 1 })
      ).body.result;
      expect(r.chat.id).toBe(person);
      expect(r.reply_to_message).toMatchObject({ message_id: 1, text: 'hello' });
    }
    const edited = await tg(bot, 'editMessageText', {
      chat_id: person,
      message_id: 2,
      text: 'edited',
    });
    expect(edited.body.result).toMatchObject({ message_id: 2, text: 'edited' });
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'hello',
      'edited',
      `to ${person}`,
      `to @${user.username}`,
    ]);
    // Someone the bot has no chat with, and a number no message has.
    const stranger = await registerUser(http);
    const res = await gw()
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .send({ chat_id: `@${stranger.username}`, text: 'x' })
      .expect(400);
    expect(res.body.description).toBe('Bad Request: chat not found');
    const missing = await gw()
      .post(`/bot${bot.telegramToken}/editMessageText`)
      .send({ chat_id: person, message_id: 99, text: 'x' })
      .expect(400);
    expect(missing.body.description).toMatch(/^Bad Request: message to edit not found/);
  });

  it('a person’s integer names each bot’s own chat with them, and a chat opened after a miss', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, 'hello');
    const person = (await updates(bot))[0]!.message.chat.id;
    const other = await registerBot(http, user);
    // No chat with this bot yet: the integer names nothing, twice (nothing was remembered).
    for (let i = 0; i < 2; i++) {
      const miss = await gw()
        .post(`/bot${other.telegramToken}/sendMessage`)
        .send({ chat_id: person, text: 'early' })
        .expect(400);
      expect(miss.body.description).toBe('Bad Request: chat not found');
    }
    const otherChat = await openChat(http, user, other);
    for (const [b, chat, text] of [
      [other, otherChat, 'to the new chat'],
      [bot, chatId, 'to the first chat'],
      [other, otherChat, 'again to the new chat'],
    ] as const) {
      expect((await tg(b, 'sendMessage', { chat_id: person, text })).body.result.chat.id).toBe(
        person,
      );
      const history = await http.get(`/api/v1/chats/${chat}/messages`).set(bearer(user));
      expect(history.body.messages.at(-1).content).toBe(text);
    }
  });

  it('a group is a negative integer, and takes messages by it', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner);
    const group = await http
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Team', member_ids: [], bot_ids: [bot.id] })
      .expect(201);
    await say(http, owner, group.body.chat.id, 'hi all');
    const [u] = await updates(bot);
    expect(u!.message.chat.type).toBe('group');
    const groupId = u!.message.chat.id;
    expect(groupId).toBeLessThan(0);
    expect(Number.isSafeInteger(groupId)).toBe(true);
    const sent = (await tg(bot, 'sendMessage', { chat_id: groupId, text: 'hello team' })).body
      .result;
    expect(sent).toMatchObject({ message_id: 2, chat: { id: groupId, type: 'group' } });
    const chat = (await tg(bot, 'getChat', { chat_id: groupId })).body.result;
    expect(chat).toMatchObject({ id: groupId, type: 'group', title: 'Team' });
  });
});

describe('Koto form ids', () => {
  it('shows KOTO-… people and bot-… bots; a direct chat is its person’s Koto id, and takes it', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const me = (await koto(bot, 'getMe')).body.result;
    expect(me.id).toMatch(/^bot-[0-9a-z]+$/);
    await say(http, user, chatId, 'hi koto');
    const upd = (await koto(bot, 'getUpdates', { timeout: 0 })).body.result[0].message;
    expect(upd.from.id).toMatch(/^KOTO-[0-9A-Z]+$/);
    expect(upd.chat).toEqual({ id: upd.from.id, type: 'private' });
    expect(upd.message_id).toMatch(/^[0-9a-f-]{36}$/);
    const sent = (
      await koto(bot, 'sendMessage', {
        chat_id: upd.chat.id,
        text: 'Echo: hi koto',
        reply_to_message_id: upd.message_id,
      })
    ).body.result;
    expect(sent).toMatchObject({
      chat: { id: upd.chat.id },
      from: { id: me.id, is_bot: true },
      reply_to_message: { message_id: upd.message_id },
    });
    // The same person on the Telegram form is the integer inside the Koto id.
    const tgChat = (await tg(bot, 'getChat', { chat_id: upd.chat.id })).body.result;
    expect(tgChat.id).toBe(parseInt(upd.chat.id.slice('KOTO-'.length), 36));
  });
});
