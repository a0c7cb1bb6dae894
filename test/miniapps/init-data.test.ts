// Signed init data: the messenger host asks for it when it opens a mini app; an independent
// validator (@telegram-apps/init-data-node) accepts it with the bot's Telegram-shaped token,
// and the third-party Ed25519 signature checks out under the platform's published key.
import { createPublicKey, verify } from 'node:crypto';
import { bearer, botAuth, registerBot, registerUser, userBotChat } from '../support/fixtures';
import { tgIdOf } from '../support/internals';
import { useTestPlatform } from '../support/platform';

// The package is ESM-typed; its CommonJS build is what Jest loads.
interface InitDataNode {
  validate: (value: string, token: string) => void;
  isValid: (value: string, token: string) => boolean;
  parse: (value: string) => {
    user?: Record<string, unknown>;
    query_id?: string;
    chat_type?: string;
    auth_date: Date;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isValid, parse, validate } = require('@telegram-apps/init-data-node') as InitDataNode;

const t = useTestPlatform();
const APP = 'https://app.example.com/';

async function botWithApp() {
  const fixture = await userBotChat(t.current.http);
  await t.current.http
    .put('/api/v1/bot/webapp')
    .set(botAuth(fixture.bot))
    .send({ url: APP })
    .expect(200);
  return fixture;
}

const openApp = (chatId: string, user: { token: string }, body: object = {}) =>
  t.current.http.post(`/api/v1/chats/${chatId}/webapp`).set(bearer(user)).send(body);

/** The Ed25519 public key as a KeyObject, from the platform's published raw key. */
function ed25519Key(raw: Buffer) {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

describe('POST /api/v1/chats/:chat_id/webapp', () => {
  it("answers the bot's URL and init data a Telegram validator accepts", async () => {
    const { user, bot, chatId } = await botWithApp();
    const res = await openApp(chatId, user);
    expect(res.status).toBe(200);
    expect(res.body.url).toBe(APP);
    const initData: string = res.body.init_data;

    expect(() => validate(initData, bot.telegramToken)).not.toThrow();
    const other = await registerBot(t.current.http, await registerUser(t.current.http));
    expect(isValid(initData, other.telegramToken)).toBe(false);
    const tampered = initData.replace('auth_date=', 'auth_date=1');
    expect(isValid(tampered, bot.telegramToken)).toBe(false);

    const parsed = parse(initData);
    expect(parsed.user).toEqual({
      id: await tgIdOf(t.current.platform, user.id),
      first_name: user.username,
      username: user.username,
    });
    expect(parsed.query_id).toMatch(/^[\w-]{16,}$/);
    expect(parsed.chat_type).toBe('private');
    expect(Math.abs(parsed.auth_date.getTime() - Date.now())).toBeLessThan(60_000);

    // Telegram's third-party scheme, under the key published for webhook `v1a` signatures.
    const keys = await t.current.http.get('/api/v1/bot/webhook/public-key').expect(200);
    const params = new URLSearchParams(initData);
    const signature = Buffer.from(params.get('signature')!, 'base64url');
    const checked = [...params]
      .filter(([k]) => k !== 'hash' && k !== 'signature')
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('\n');
    const botTgId = await tgIdOf(t.current.platform, bot.userId);
    const key = ed25519Key(Buffer.from(keys.body.public_key, 'base64'));
    expect(verify(null, Buffer.from(`${botTgId}:WebAppData\n${checked}`), key, signature)).toBe(
      true,
    );
    expect(verify(null, Buffer.from(`1:WebAppData\n${checked}`), key, signature)).toBe(false);
  });

  it('signs with the new token after a key rotation', async () => {
    const { user, bot, chatId } = await botWithApp();
    // userBotChat's user owns the bot.
    const rotated = await t.current.http
      .post(`/api/v1/bot/${bot.id}/rotate-key`)
      .set(bearer(user))
      .expect(200);
    const { init_data } = (await openApp(chatId, user).expect(200)).body;
    expect(isValid(init_data, rotated.body.telegram_token)).toBe(true);
    expect(isValid(init_data, bot.telegramToken)).toBe(false);
  });

  it("opens a web_app button's URL by message_id", async () => {
    const { user, bot, chatId } = await userBotChat(t.current.http);
    const url = 'https://button.example.com/app?item=7';
    const sent = await t.current.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({
        chat_id: chatId,
        content: 'Buy',
        payload: { buttons: [[{ text: 'Buy', web_app: { url } }]] },
      })
      .expect(200);
    const res = await openApp(chatId, user, { message_id: sent.body.message_id });
    expect(res.status).toBe(200);
    expect(res.body.url).toBe(url);
    expect(isValid(res.body.init_data, bot.telegramToken)).toBe(true);

    const plain = await t.current.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'no buttons' })
      .expect(200);
    const none = await openApp(chatId, user, { message_id: plain.body.message_id });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ error: 'message_id: the message has no web_app button' });
  });

  it('refuses strangers, bots without an app and missing credentials', async () => {
    const { user, chatId } = await botWithApp();
    const stranger = await registerUser(t.current.http);
    expect((await openApp(chatId, stranger)).status).toBe(403);
    expect((await t.current.http.post(`/api/v1/chats/${chatId}/webapp`).send({})).status).toBe(401);
    expect((await openApp('not-a-chat', user)).status).toBe(404);

    const plain = await userBotChat(t.current.http);
    const res = await openApp(plain.chatId, plain.user);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'the bot has no mini app' });
  });

  it('in a group, names the bot by bot_id', async () => {
    const { user, bot } = await botWithApp();
    const group = await t.current.http
      .post('/api/v1/chats')
      .set(bearer(user))
      .send({ type: 'group', title: 'G', member_ids: [] })
      .expect(201);
    const groupId: string = group.body.chat.id;
    await t.current.http
      .post(`/api/v1/chats/${groupId}/members`)
      .set(bearer(user))
      .send({ bot_id: bot.id })
      .expect(200);
    const res = await openApp(groupId, user, { bot_id: bot.id });
    expect(res.status).toBe(200);
    expect(parse(res.body.init_data).chat_type).toBe('group');
  });
});
