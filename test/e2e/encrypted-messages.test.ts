// Step 2: a person's client sends boxes into a direct chat; the relay checks their shape and
// stores exactly what was sent, stamped with both ends' public keys.
import { useTestPlatform } from '../support/platform';
import { bearer, openChat, registerBot, registerUser, say } from '../support/fixtures';
import { b64, botPublicKey, keyedUser, managedSecret, seal, unseal } from './support';

const t = useTestPlatform();

async function keyedChat() {
  const { http } = t.current;
  const user = await keyedUser(http);
  const bot = await registerBot(http, user);
  const chatId = await openChat(http, user, bot);
  return { user, bot, chatId, botKey: await botPublicKey(http, bot.apiKey) };
}

const post = (chatId: string, token: string, body: object) =>
  t.current.http.post(`/api/v1/chats/${chatId}/messages`).set(bearer({ token })).send(body);

describe('encrypted messages in direct chats', () => {
  it('stores exactly the box and nonce, with both public keys; the bot key opens it', async () => {
    const { platform } = t.current;
    const { user, bot, chatId, botKey } = await keyedChat();
    const sent = seal('meet me at noon', botKey, user.keys.secretKey);
    const res = await post(chatId, user.token, sent).expect(201);
    expect(res.body.message).toMatchObject({
      content: sent.content,
      payload: {
        nonce: sent.payload.nonce,
        sender_public_key: user.publicKey,
        recipient_public_key: botKey,
      },
      sender: { id: user.id, public_key: user.publicKey },
    });
    const row = await platform.db.message.findUniqueOrThrow({ where: { id: res.body.message.id } });
    expect(row.content).toBe(sent.content);
    const secret = await managedSecret(platform, bot.id);
    expect(unseal(res.body.message, user.publicKey, secret)).toBe('meet me at noon');
  });

  it.each([
    ['a short nonce', { payload: { nonce: b64(new Uint8Array(23)) } }, /nonce/],
    ['a nonce that is not base64', { payload: { nonce: '%'.repeat(32) } }, /nonce/],
    ['content that is not base64', { content: 'meet me at noon' }, /content/],
    ['content shorter than a tag', { content: b64(new Uint8Array(16)) }, /content/],
  ])('refuses %s', async (_what, change, field) => {
    const { user, chatId, botKey } = await keyedChat();
    const sent = seal('x', botKey, user.keys.secretKey);
    const res = await post(chatId, user.token, { ...sent, ...change }).expect(400);
    expect(res.body.error).toMatch(field);
  });

  it('refuses a box from someone without a key, in a group, or with media', async () => {
    const { http } = t.current;
    const { user, chatId, botKey } = await keyedChat();
    const sent = seal('x', botKey, user.keys.secretKey);

    const keyless = await registerUser(http);
    const bot2 = await registerBot(http, keyless);
    const chat2 = await openChat(http, keyless, bot2);
    expect((await post(chat2, keyless.token, sent).expect(400)).body.error).toMatch(/nonce/);

    const group = await http
      .post('/api/v1/chats')
      .set(bearer(user))
      .send({ type: 'group', title: 'g', member_ids: [keyless.id] })
      .expect(201);
    await post(group.body.chat.id, user.token, sent).expect(400);

    const photo = { data: b64(new Uint8Array(8)), mime: 'application/octet-stream' };
    await post(chatId, user.token, { ...sent, media: photo }).expect(400);
  });

  it('plaintext cannot pose as encrypted: the platform stamps are dropped', async () => {
    const { user, chatId } = await keyedChat();
    const res = await post(chatId, user.token, {
      content: 'hi',
      payload: { encrypted: true, sender_public_key: 'x', color: 'red' },
    }).expect(201);
    expect(res.body.message.payload).toEqual({ color: 'red' });
  });

  it('an encrypted message is edited with a new box only', async () => {
    const { http } = t.current;
    const { user, chatId, botKey } = await keyedChat();
    const first = await post(chatId, user.token, seal('v1', botKey, user.keys.secretKey));
    const url = `/api/v1/chats/${chatId}/messages/${first.body.message.id}`;
    await http.patch(url).set(bearer(user)).send({ content: 'v2 in clear' }).expect(400);
    const v2 = seal('v2', botKey, user.keys.secretKey);
    const res = await http.patch(url).set(bearer(user)).send(v2).expect(200);
    expect(res.body.message.content).toBe(v2.content);
    expect(res.body.message.payload.nonce).toBe(v2.payload.nonce);
    expect(unseal(res.body.message, botKey, user.keys.secretKey)).toBe('v2');
  });

  it('a person without a key keeps plaintext, as before', async () => {
    const { http } = t.current;
    const user = await registerUser(http);
    const bot = await registerBot(http, user);
    const chatId = await openChat(http, user, bot);
    const m = await say(http, user, chatId, 'plain hello');
    expect(m.content).toBe('plain hello');
  });
});
