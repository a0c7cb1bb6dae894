// A bot's mini-app URL: set through the Quanta API, the Koto registry route (both listeners,
// any token spelling) and the gateway's menu-button methods (grammY); https only unless
// WEBAPP_ALLOW_HTTP; shown on every bot object.
import { Bot } from 'grammy';
import supertest from 'supertest';
import { startListening, type Listening } from '../gateway/support';
import { bearer, botAuth, openChat, registerBot, registerUser } from '../support/fixtures';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const APP = 'https://app.example.com/mini?x=1';

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(() => p?.close());

const koto = (tokenPath: string) => `/v1/bots/${tokenPath}/webapp`;

describe('Quanta PUT/DELETE /api/v1/bot/webapp', () => {
  it('sets and clears the URL, which the bot object shows', async () => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner);
    const me0 = await p.http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(me0.body.bot.webapp_url).toBeNull();

    const set = await p.http.put('/api/v1/bot/webapp').set(botAuth(bot)).send({ url: APP });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ ok: true, url: APP });
    const me = await p.http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(me.body.bot.webapp_url).toBe(APP);
    const mine = await p.http.get('/api/v1/bot/my-bots').set(bearer(owner)).expect(200);
    expect(mine.body.bots[0].webapp_url).toBe(APP);

    // The messenger shows it on the chat's bot member: its menu button opens the app.
    const chatId = await openChat(p.http, owner, bot);
    const chat = await p.http.get(`/api/v1/chats/${chatId}`).set(bearer(owner)).expect(200);
    const member = chat.body.chat.members.find((m: { is_bot: boolean }) => m.is_bot);
    expect(member.webapp_url).toBe(APP);

    await p.http.delete('/api/v1/bot/webapp').set(botAuth(bot)).expect(200, { ok: true });
    const after = await p.http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(after.body.bot.webapp_url).toBeNull();
  });

  it.each([
    ['http://app.example.com/', 'url: must be an https URL'],
    ['ftp://app.example.com/', 'url: must be an https URL'],
    ['not a url', 'url: must be an https URL'],
    ['https://user:pw@app.example.com/', 'url: must be an https URL'],
    [`https://example.com/${'a'.repeat(2100)}`, 'url: must be at most 2048 characters'],
  ])('refuses a bad URL with a clear 400 (#%#)', async (url, error) => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner);
    const res = await p.http.put('/api/v1/bot/webapp').set(botAuth(bot)).send({ url });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error });
  });

  it('needs the bot token', async () => {
    const res = await p.http.put('/api/v1/bot/webapp').send({ url: APP });
    expect(res.status).toBe(401);
    await p.http
      .put('/api/v1/bot/webapp')
      .set('x-bot-token', 'bot_nope')
      .send({ url: APP })
      .expect(401);
  });
});

describe('Koto registry PUT /v1/bots/<token>/webapp', () => {
  it.each([
    ['the main listener', () => p.http],
    ['the gateway listener', () => supertest(p.platform.gateway)],
  ])('works on %s with every token spelling', async (_where, http) => {
    const owner = await registerUser(p.http);
    const reg = await p.http
      .post('/api/v1/bot/register')
      .set(bearer(owner))
      .send({ name: 'Registry Bot' })
      .expect(201);
    const tokens: string[] = [reg.body.api_key, reg.body.koto_token, reg.body.telegram_token];
    for (const [i, token] of tokens.entries()) {
      const url = `${APP}&t=${i}`;
      const res = await http()
        .put(koto(encodeURIComponent(token)))
        .send({ url });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, result: { url } });
      const me = await p.http.get('/api/v1/bot/me').set('x-bot-token', reg.body.api_key);
      expect(me.body.bot.webapp_url).toBe(url);
    }
    // The Telegram spelling as clients write it, the colon unescaped.
    const raw = await http().put(koto(reg.body.telegram_token)).send({ url: APP });
    expect(raw.body).toEqual({ ok: true, result: { url: APP } });
    const gone = await http().delete(koto(reg.body.koto_token));
    expect(gone.body).toEqual({ ok: true, result: { url: null } });
  });

  it('answers a bad token, a bad URL and a bad body in the gateway envelope', async () => {
    const owner = await registerUser(p.http);
    const bot = await registerBot(p.http, owner);
    const gw = supertest(p.platform.gateway);
    const unknown = await gw.put(koto(`kbot_${'A'.repeat(43)}`)).send({ url: APP });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ ok: false, error_code: 401 });
    const http = await gw.put(koto(bot.apiKey)).send({ url: 'http://plain.example.com/' });
    expect(http.status).toBe(400);
    expect(http.body).toMatchObject({
      ok: false,
      description: 'Bad Request: url: must be an https URL',
    });
    const missing = await gw.put(koto(bot.apiKey)).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.description).toBe('Bad Request: url is required');
    const junk = await gw
      .put(koto(bot.apiKey))
      .set('content-type', 'application/json')
      .send('{"url":');
    expect(junk.status).toBe(400);
    expect(junk.body.ok).toBe(false);
  });
});

describe('gateway setChatMenuButton / getChatMenuButton (grammY)', () => {
  it('sets a web_app menu button, reads it back, and goes back to commands', async () => {
    const owner = await registerUser(p.http);
    const tb = await registerBot(p.http, owner);
    const bot = new Bot(tb.telegramToken, { client: { apiRoot: p.apiRoot } });
    expect(await bot.api.getChatMenuButton()).toEqual({ type: 'commands' });
    await bot.api.setChatMenuButton({
      menu_button: { type: 'web_app', text: 'Shop', web_app: { url: APP } },
    });
    expect(await bot.api.getChatMenuButton()).toEqual({
      type: 'web_app',
      text: 'Shop',
      web_app: { url: APP },
    });
    // The Telegram form says so as Telegram does; the URL itself is a Koto-form field.
    expect((await bot.api.getMe()).has_main_web_app).toBe(true);
    await bot.api.setChatMenuButton({ menu_button: { type: 'default' } });
    expect(await bot.api.getChatMenuButton()).toEqual({ type: 'commands' });
  });

  it('refuses http, unknown types and per-chat buttons with 400', async () => {
    const owner = await registerUser(p.http);
    const tb = await registerBot(p.http, owner);
    const call = (method: string, body: unknown) =>
      supertest(p.apiRoot)
        .post(`/bot${tb.telegramToken}/${method}`)
        .send(body as object);
    const http = await call('setChatMenuButton', {
      menu_button: { type: 'web_app', text: 'Go', web_app: { url: 'http://x.example/' } },
    });
    expect(http.status).toBe(400);
    expect(http.body.description).toBe('Bad Request: url: must be an https URL');
    const odd = await call('setChatMenuButton', { menu_button: { type: 'weird' } });
    expect(odd.status).toBe(400);
    const perChat = await call('setChatMenuButton', {
      chat_id: 5,
      menu_button: { type: 'default' },
    });
    expect(perChat.status).toBe(400);
    expect(perChat.body.description).toMatch(/menu buttons are per bot/);
  });
});

describe('WEBAPP_ALLOW_HTTP=true', () => {
  let dev: TestPlatform;
  beforeAll(async () => {
    dev = await startTestPlatform({ WEBAPP_ALLOW_HTTP: 'true' });
  });
  afterAll(() => dev?.close());

  it('accepts an http URL for local development', async () => {
    const owner = await registerUser(dev.http);
    const bot = await registerBot(dev.http, owner);
    const url = 'http://localhost:5173/app';
    const res = await dev.http.put('/api/v1/bot/webapp').set(botAuth(bot)).send({ url });
    expect(res.body).toEqual({ ok: true, url });
  });
});
