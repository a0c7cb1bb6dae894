// The owner's settings routes the console uses (it holds the owner's JWT, never the bot's key
// after registration): PATCH /bot/profile/:bot_id and GET /bot/webhook-state/:bot_id. Only
// the owner; anyone else gets the 404 of an unknown bot.
import { startListening, eventually, type Listening } from '../gateway/support';
import {
  bearer,
  botAuth,
  openChat,
  registerBot,
  registerUser,
  say,
  type TestBot,
  type TestUser,
} from '../support/fixtures';
import { PNG_B64 } from '../fuzz/resources';
import { Receiver } from '../support/receiver';

let p: Listening;
beforeAll(async () => {
  p = await startListening({ WEBAPP_ALLOW_HTTP: 'false' });
});
afterAll(() => p?.close());

const edit = (owner: TestUser, bot: TestBot, body: unknown) =>
  p.http
    .patch(`/api/v1/bot/profile/${bot.id}`)
    .set(bearer(owner))
    .send(body as object);

describe('PATCH /api/v1/bot/profile/:bot_id', () => {
  it('sets texts, commands, avatar and mini app; the bot, my-bots and the public profile agree', async () => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner);
    const commands = [
      { command: 'start', description: 'Begin' },
      { command: 'help', description: 'What I do' },
    ];
    const res = await edit(owner, bot, {
      name: 'Renamed Bot',
      description: 'Answers questions',
      short_description: 'Q&A',
      commands,
      avatar: `data:image/png;base64,${PNG_B64}`,
      webapp_url: 'https://app.example.com/m',
      webapp_menu_text: 'Open app',
    }).expect(200);
    expect(res.body.bot).toMatchObject({
      id: bot.id,
      name: 'Renamed Bot',
      description: 'Answers questions',
      short_description: 'Q&A',
      commands,
      webapp_url: 'https://app.example.com/m',
      webapp_menu_text: 'Open app',
    });
    const avatar: string = res.body.bot.avatar;
    expect(avatar).toMatch(new RegExp(`^/api/v1/bot/avatar/${bot.id}\\?v=[0-9a-f]{16}$`));
    const image = await p.http.get(avatar).set(bearer(owner)).expect(200);
    expect(Buffer.compare(image.body as Buffer, Buffer.from(PNG_B64, 'base64'))).toBe(0);

    // The bot's own view (the auth cache was invalidated), the owner's list, the public profile.
    const me = await p.http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(me.body.bot).toEqual(res.body.bot);
    const mine = await p.http.get('/api/v1/bot/my-bots').set(bearer(owner)).expect(200);
    expect(mine.body.bots).toEqual([res.body.bot]);
    const user = await registerUser(p.http);
    const profile = await p.http
      .get(`/api/v1/bots/by-username/${bot.username}`)
      .set(bearer(user))
      .expect(200);
    expect(profile.body.bot).toMatchObject({
      name: 'Renamed Bot',
      description: 'Answers questions',
      short_description: 'Q&A',
      commands,
    });

    // Absent fields stay; null removes the avatar and the mini app (and its label).
    const cleared = await edit(owner, bot, { avatar: null, webapp_url: null }).expect(200);
    expect(cleared.body.bot).toMatchObject({
      name: 'Renamed Bot',
      commands,
      avatar: null,
      webapp_url: null,
      webapp_menu_text: null,
    });
    await p.http.get(avatar).set(bearer(owner)).expect(404);
    const url = await edit(owner, bot, { avatar: 'https://example.com/a.png' }).expect(200);
    expect(url.body.bot.avatar).toBe('https://example.com/a.png');
  });

  it('keeps the init-data key: the mini app still opens signed with the current token', async () => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner);
    await edit(owner, bot, { webapp_url: 'https://app.example.com/x' }).expect(200);
    const chatId = await openChat(p.http, owner, bot);
    const opened = await p.http
      .post(`/api/v1/chats/${chatId}/webapp`)
      .set(bearer(owner))
      .send({})
      .expect(200);
    expect(opened.body.url).toContain('https://app.example.com/x');
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner, { description: 'before' });
    const cases: [unknown, string][] = [
      [{}, 'give at least one field to change'],
      [{ nickname: 'x' }, 'nickname'],
      [{ commands: [{ command: 'Bad Command', description: 'x' }] }, 'commands'],
      [{ avatar: '8J+YgA==' }, 'avatar: must be a JPEG, PNG, GIF or WebP image'],
      [{ description: 'after', webapp_url: 'http://app.example.com' }, 'webapp_url'],
      [{ webapp_menu_text: 'Open' }, 'webapp_menu_text: goes with a webapp_url'],
      [{ short_description: 'x'.repeat(121) }, 'short_description'],
    ];
    for (const [body, sentence] of cases) {
      const res = await edit(owner, bot, body).expect(400);
      expect(res.body.error).toContain(sentence);
    }
    const mine = await p.http.get('/api/v1/bot/my-bots').set(bearer(owner)).expect(200);
    expect(mine.body.bots[0].description).toBe('before');
  });

  it("is the owner's only: another user, a bad id and no session are refused", async () => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner);
    const other = await registerUser(p.http);
    const theirs = await edit(other, bot, { description: 'mine now' }).expect(404);
    const unknown = await p.http
      .patch('/api/v1/bot/profile/not-a-uuid')
      .set(bearer(owner))
      .send({ description: 'x' })
      .expect(404);
    expect(theirs.body).toEqual(unknown.body);
    await p.http.patch(`/api/v1/bot/profile/${bot.id}`).send({ description: 'x' }).expect(401);
    await p.http.get(`/api/v1/bot/webhook-state/${bot.id}?limit=0`).expect(401);
  });
});

describe('GET /api/v1/bot/webhook-state/:bot_id', () => {
  it('shows the webhook and its delivery attempts as the bot sees them', async () => {
    const receiver = await Receiver.start();
    try {
      const owner = await registerUser(p.http);
      const bot = await registerBot(p.http, owner);
      const path = `/api/v1/bot/webhook-state/${bot.id}`;
      const none = await p.http.get(path).set(bearer(owner)).expect(200);
      expect(none.body).toEqual({
        webhook: { url: '', has_custom_certificate: false, pending_update_count: 0 },
        attempts: [],
      });

      await p.http.put('/api/v1/bot/webhook').set(botAuth(bot)).send({ url: receiver.url });
      const user = await registerUser(p.http);
      const chatId = await openChat(p.http, user, bot);
      await say(p.http, user, chatId, 'hello');
      const state = await eventually('an attempt', async () => {
        const res = await p.http.get(path).set(bearer(owner)).expect(200);
        return res.body.attempts.length > 0 ? res.body : undefined;
      });
      expect(state.webhook.url).toBe(receiver.url);
      expect(state.attempts[0]).toMatchObject({ status_code: 200, error: null, attempt: 1 });
      expect(typeof state.attempts[0].duration_ms).toBe('number');

      // The same as the bot's own routes.
      const info = await p.http.get('/api/v1/bot/webhook').set(botAuth(bot)).expect(200);
      const attempts = await p.http
        .get('/api/v1/bot/webhook/attempts?limit=20')
        .set(botAuth(bot))
        .expect(200);
      const again = await p.http.get(path).set(bearer(owner)).expect(200);
      expect(again.body).toEqual({ webhook: info.body, attempts: attempts.body.attempts });

      const limited = await p.http.get(`${path}?limit=1`).set(bearer(owner)).expect(200);
      expect(limited.body.attempts).toHaveLength(1);
      await p.http.get(`${path}?limit=0`).set(bearer(owner)).expect(400);
      await p.http.get(`${path}?limit=201`).set(bearer(owner)).expect(400);

      const other = await p.http.get(path).set(bearer(user)).expect(404);
      expect(other.body).toEqual({ error: 'bot not found' });
    } finally {
      await receiver.close();
    }
  });
});
