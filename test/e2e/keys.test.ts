// Step 1 of end-to-end encryption: people publish box public keys; every bot has one,
// managed by the platform (secret sealed with GATEWAY_KEY) or kept by its owner.
import nacl from 'tweetnacl';
import supertest from 'supertest';
import { openSecret } from '../../src/domain/crypto/secret-box';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, openChat, registerBot, registerUser } from '../support/fixtures';

const t = useTestPlatform();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('E2E keys', () => {
  it('a person sets a public key; it is shown on the user everywhere', async () => {
    const { http } = t.current;
    const alice = await registerUser(http);
    const me0 = await http.get('/api/v1/auth/me').set(bearer(alice)).expect(200);
    expect(me0.body.user.public_key).toBeNull();

    const pair = nacl.box.keyPair();
    const put = await http
      .put('/api/v1/auth/keys')
      .set(bearer(alice))
      .send({ public_key: b64(pair.publicKey) })
      .expect(200);
    expect(put.body).toEqual({ public_key: b64(pair.publicKey) });
    const me = await http.get('/api/v1/auth/me').set(bearer(alice)).expect(200);
    expect(me.body.user.public_key).toBe(b64(pair.publicKey));

    const bot = await registerBot(http, alice);
    const chatId = await openChat(http, alice, bot);
    const chat = await http.get(`/api/v1/chats/${chatId}`).set(bearer(alice)).expect(200);
    const human = chat.body.chat.members.find((m: { id: string }) => m.id === alice.id);
    expect(human.public_key).toBe(b64(pair.publicKey));
    const sent = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(alice))
      .send({ content: 'hello' })
      .expect(201);
    expect(sent.body.message.sender.public_key).toBe(b64(pair.publicKey));
    const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(alice));
    expect(history.body.messages[0].sender.public_key).toBe(b64(pair.publicKey));
  });

  it.each([
    ['too short', b64(new Uint8Array(31))],
    ['too long', b64(new Uint8Array(33))],
    ['not base64', '!'.repeat(44)],
    ['url-safe alphabet', b64(new Uint8Array(32).fill(0xfb)).replace(/\+/g, '-')],
    ['not a string', 42],
  ])('refuses a public key that is %s', async (_what, key) => {
    const { http } = t.current;
    const alice = await registerUser(http);
    const res = await http
      .put('/api/v1/auth/keys')
      .set(bearer(alice))
      .send({ public_key: key })
      .expect(400);
    expect(res.body.error).toMatch(/public_key/);
  });

  it('a bot registered without a key gets a managed pair; the secret is never shown', async () => {
    const { http, platform } = t.current;
    const owner = await registerUser(http);
    const reg = await http
      .post('/api/v1/bot/register')
      .set(bearer(owner))
      .send({ name: 'Managed' })
      .expect(201);
    const pub: string = reg.body.bot.public_key;
    expect(Buffer.from(pub, 'base64')).toHaveLength(32);
    expect(reg.body.bot.key_custody).toBe('managed');

    // The sealed secret opens with GATEWAY_KEY (not MASTER_KEY) to the shown public key.
    const row = await platform.db.botSecretKey.findUniqueOrThrow({
      where: { botId: reg.body.bot.id },
    });
    const secret = openSecret(platform.config.GATEWAY_KEY, row.secretKeySealed);
    expect(b64(nacl.box.keyPair.fromSecretKey(secret).publicKey)).toBe(pub);
    expect(() => openSecret(platform.config.MASTER_KEY, row.secretKeySealed)).toThrow();

    const key = { apiKey: reg.body.api_key as string };
    const shown = [
      reg.body,
      (await http.get('/api/v1/bot/my-bots').set(bearer(owner))).body,
      (await http.get('/api/v1/bot/me').set(botAuth(key))).body,
      // The Koto form: Telegram's exact User type has no room for them.
      (
        await supertest(platform.gateway)
          .get('/getMe')
          .set('authorization', `Bearer ${reg.body.koto_token}`)
      ).body,
    ];
    expect(shown[1].bots[0]).toMatchObject({ public_key: pub, key_custody: 'managed' });
    expect(shown[2].bot).toMatchObject({ public_key: pub, key_custody: 'managed' });
    expect(shown[3].result).toMatchObject({ public_key: pub, key_custody: 'managed' });
    const secretB64 = b64(secret);
    for (const body of shown) expect(JSON.stringify(body)).not.toContain(secretB64);

    const user = await registerUser(http);
    const chatId = await openChat(http, user, { id: reg.body.bot.id } as never);
    const chat = await http.get(`/api/v1/chats/${chatId}`).set(bearer(user)).expect(200);
    const botMember = chat.body.chat.members.find((m: { is_bot: boolean }) => m.is_bot);
    expect(botMember).toMatchObject({ public_key: pub, key_custody: 'managed' });
  });

  it('an owner gives the bot its own key, at registration or later (self custody)', async () => {
    const { http, platform } = t.current;
    const owner = await registerUser(http);
    const own = nacl.box.keyPair();
    const reg = await http
      .post('/api/v1/bot/register')
      .set(bearer(owner))
      .send({ name: 'Self', public_key: b64(own.publicKey) })
      .expect(201);
    expect(reg.body.bot).toMatchObject({ public_key: b64(own.publicKey), key_custody: 'self' });
    expect(await platform.db.botSecretKey.count({ where: { botId: reg.body.bot.id } })).toBe(0);

    const later = await registerBot(http, owner);
    expect(await platform.db.botSecretKey.count({ where: { botId: later.id } })).toBe(1);
    const other = await registerUser(http);
    const next = nacl.box.keyPair();
    await http
      .put(`/api/v1/bot/keys/${later.id}`)
      .set(bearer(other))
      .send({ public_key: b64(next.publicKey) })
      .expect(404);
    const put = await http
      .put(`/api/v1/bot/keys/${later.id}`)
      .set(bearer(owner))
      .send({ public_key: b64(next.publicKey) })
      .expect(200);
    expect(put.body.bot).toMatchObject({ public_key: b64(next.publicKey), key_custody: 'self' });
    // The managed secret is gone: the platform can no longer read this bot's chats.
    expect(await platform.db.botSecretKey.count({ where: { botId: later.id } })).toBe(0);
    const me = await http.get('/api/v1/bot/me').set(botAuth(later)).expect(200);
    expect(me.body.bot).toMatchObject({ public_key: b64(next.publicKey), key_custody: 'self' });
  });
});
