// One secret, three spellings (`bot_`, `kbot_`, `<digits>:<secret>`), each accepted by every
// API; and the owner's key rotation, which no process may keep honouring.
import supertest from 'supertest';
import { platformFor, useTestPlatform } from '../support/platform';
import { bearer, registerUser } from '../support/fixtures';

const t = useTestPlatform();
type Http = ReturnType<typeof supertest>;

interface Tokens {
  api_key: string;
  koto_token: string;
  telegram_token: string;
}

const spellings = (k: Tokens) => [k.api_key, k.koto_token, k.telegram_token];

/** The status each API answers `token` with: Quanta header, gateway path, gateway Bearer. */
async function statuses(http: Http, token: string) {
  return [
    (await http.get('/api/v1/bot/me').set('x-bot-token', token)).status,
    (await http.get(`/gateway/bot${token}/getMe`)).status,
    (await http.get('/gateway/getMe').set('authorization', `Bearer ${token}`)).status,
  ];
}

async function registered(http: Http) {
  const owner = await registerUser(http);
  const res = await http
    .post('/api/v1/bot/register')
    .set(bearer(owner))
    .send({ name: 'Tokens' })
    .expect(201);
  return { owner, botId: res.body.bot.id as string, tokens: res.body as Tokens };
}

describe('bot token spellings', () => {
  it('registration returns one secret in the Quanta, Koto and Telegram spellings', async () => {
    const { tokens } = await registered(t.current.http);
    const secret = tokens.api_key.slice('bot_'.length);
    expect(tokens.api_key).toMatch(/^bot_[A-Za-z0-9_-]{43}$/);
    expect(tokens.koto_token).toBe(`kbot_${secret}`);
    const [digits, rest] = tokens.telegram_token.split(':');
    expect(digits).toMatch(/^\d{9,16}$/);
    expect(rest).toBe(secret);
  });

  it('every spelling works in every API, as the same bot', async () => {
    const { http } = t.current;
    const { botId, tokens } = await registered(http);
    for (const token of spellings(tokens)) {
      expect(await statuses(http, token)).toEqual([200, 200, 200]);
      const me = await http.get('/api/v1/bot/me').set('x-bot-token', token).expect(200);
      expect(me.body.bot.id).toBe(botId);
    }
  });

  it('refuses a Telegram spelling whose digits are not the bot’s, and a bare secret', async () => {
    const { http } = t.current;
    const { tokens } = await registered(http);
    const secret = tokens.api_key.slice('bot_'.length);
    const [digits] = tokens.telegram_token.split(':');
    const otherDigits = `${BigInt(digits!) + 1n}:${secret}`;
    expect(await statuses(http, otherDigits)).toEqual([401, 401, 401]);
    expect(await statuses(http, secret)).toEqual([401, 401, 401]);
  });
});

describe('POST /api/v1/bot/:bot_id/rotate-key', () => {
  it('gives the owner a new key in three spellings; the old one is refused at once by another process', async () => {
    const { http, env } = t.current;
    const { owner, botId, tokens: old } = await registered(http);
    const second = platformFor(env);
    try {
      const api2 = supertest(second.api);
      // Warm the second process's key cache with every old spelling.
      for (const token of spellings(old))
        expect(await statuses(api2, token)).toEqual([200, 200, 200]);

      const res = await http.post(`/api/v1/bot/${botId}/rotate-key`).set(bearer(owner)).expect(200);
      const fresh = res.body as Tokens & { bot: { id: string } };
      expect(fresh.bot.id).toBe(botId);
      expect(fresh.api_key).not.toBe(old.api_key);
      const secret = fresh.api_key.slice('bot_'.length);
      expect(fresh.koto_token).toBe(`kbot_${secret}`);
      expect(fresh.telegram_token.split(':')[1]).toBe(secret);

      for (const api of [http, api2]) {
        for (const token of spellings(old))
          expect(await statuses(api, token)).toEqual([401, 401, 401]);
        for (const token of spellings(fresh))
          expect(await statuses(api, token)).toEqual([200, 200, 200]);
      }
    } finally {
      await second.stop();
    }
  });

  it('is the owner’s alone: anyone else gets 404, no JWT 401, a bot key is no JWT', async () => {
    const { http } = t.current;
    const { botId, tokens } = await registered(http);
    const mallory = await registerUser(http);
    await http.post(`/api/v1/bot/${botId}/rotate-key`).set(bearer(mallory)).expect(404);
    await http.post(`/api/v1/bot/${botId}/rotate-key`).expect(401);
    await http.post('/api/v1/bot/not-a-uuid/rotate-key').set(bearer(mallory)).expect(404);
    await http
      .post(`/api/v1/bot/${botId}/rotate-key`)
      .set('x-bot-token', tokens.api_key)
      .expect(401);
    expect(await statuses(http, tokens.api_key)).toEqual([200, 200, 200]);
  });
});
