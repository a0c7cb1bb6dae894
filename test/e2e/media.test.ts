// Media in encrypted chats: the bytes sealed with secretbox under a random key that travels
// inside the box as {text, media_key, media_nonce}. The store keeps only sealed bytes; a
// managed bot gets them opened (inline in its updates and from its media URL), and a managed
// bot's photo to a person with a key is sealed for them.
import nacl from 'tweetnacl';
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, openChat, registerBot } from '../support/fixtures';
import { PNG } from '../gateway/support';
import { b64, botPublicKey, keyedUser, seal, sealPhoto, unb64, unseal } from './support';

const t = useTestPlatform();

async function keyedChat() {
  const { http } = t.current;
  const user = await keyedUser(http);
  const bot = await registerBot(http, user);
  const chatId = await openChat(http, user, bot);
  return { user, bot, chatId, botKey: await botPublicKey(http, bot.apiKey) };
}

/** Raw bytes of a GET. */
const bytesOf = (req: supertest.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

it("a person's sealed photo: stored sealed, opened for the managed bot in each dialect", async () => {
  const { http, platform } = t.current;
  const { user, bot, chatId, botKey } = await keyedChat();
  const sent = await http
    .post(`/api/v1/chats/${chatId}/messages`)
    .set(bearer(user))
    .send(sealPhoto('a sealed dot', PNG, botKey, user.keys.secretKey))
    .expect(201);
  const mediaId: string = sent.body.message.media.id;

  // The store and the messenger's file route hold only the sealed bytes.
  const row = await platform.db.media.findUniqueOrThrow({ where: { id: mediaId } });
  expect(Buffer.from(row.data).includes(PNG)).toBe(false);
  const stored = await bytesOf(http.get(`/api/v1/media/${mediaId}`).set(bearer(user)).expect(200));
  expect((stored.body as Buffer).equals(PNG)).toBe(false);

  // The gateway reads without acknowledging; the Quanta read after it consumes.
  const gw = await supertest(platform.gateway)
    .post(`/bot${bot.telegramToken}/getUpdates`)
    .send({})
    .expect(200);
  const message = gw.body.result[0].message;
  expect(message.caption).toBe('a sealed dot');
  // The Telegram form names the file; getFile's download is opened for the managed bot.
  const fileId: string = message.photo[message.photo.length - 1].file_id;
  const got = await supertest(platform.gateway)
    .post(`/bot${bot.telegramToken}/getFile`)
    .send({ file_id: fileId })
    .expect(200);
  const download = await bytesOf(
    supertest(platform.gateway)
      .get(`/file/bot${bot.telegramToken}/${got.body.result.file_path}`)
      .expect(200),
  );
  expect((download.body as Buffer).equals(PNG)).toBe(true);
  // The Koto form carries small files inline, opened.
  const koto = await supertest(platform.gateway)
    .post('/getUpdates')
    .set('authorization', `Bearer k${bot.apiKey}`)
    .send({})
    .expect(200);
  expect(Buffer.from(koto.body.result[0].message.photo[0].data, 'base64').equals(PNG)).toBe(true);
  const res = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
  const p = res.body.updates[0].payload;
  expect(p.content).toBe('a sealed dot');
  expect(p.payload).toMatchObject({ encrypted: true });
  expect(p.media).toMatchObject({ kind: 'photo', mime: 'image/png', size: PNG.length });
  expect(Buffer.from(p.media.data, 'base64').equals(PNG)).toBe(true);
  const file = await bytesOf(http.get(p.media.url).set(botAuth(bot)).expect(200));
  expect((file.body as Buffer).equals(PNG)).toBe(true);
});

it("a managed bot's photo to a person with a key: sealed bytes, the key in the box", async () => {
  const { http, platform } = t.current;
  const { user, bot, chatId, botKey } = await keyedChat();
  const res = await http
    .post('/api/v1/bot/send-photo')
    .set(botAuth(bot))
    .send({
      chat_id: chatId,
      photo: PNG.toString('base64'),
      mime: 'image/png',
      w: 1,
      h: 1,
      caption: 'for you',
    })
    .expect(200);
  expect(res.body).toMatchObject({ message: { content: 'for you' } });

  const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
  const m = history.body.messages.at(-1);
  expect(m.content).not.toContain('for you');
  const envelope = JSON.parse(unseal(m, botKey, user.keys.secretKey)!);
  expect(envelope.text).toBe('for you');
  const row = await platform.db.media.findUniqueOrThrow({ where: { id: m.media.id } });
  expect(Buffer.from(row.data).includes(PNG)).toBe(false);
  const got = await bytesOf(http.get(m.media.url).set(bearer(user)).expect(200));
  const opened = nacl.secretbox.open(
    new Uint8Array(got.body as Buffer),
    unb64(envelope.media_nonce),
    unb64(envelope.media_key),
  );
  expect(opened && Buffer.from(opened).equals(PNG)).toBe(true);
});

it('sealed bytes too short to be a secretbox are refused', async () => {
  const { http } = t.current;
  const { user, chatId, botKey } = await keyedChat();
  const body = seal('{"text":""}', botKey, user.keys.secretKey);
  const res = await http
    .post(`/api/v1/chats/${chatId}/messages`)
    .set(bearer(user))
    .send({ ...body, media: { data: b64(new Uint8Array(8)), mime: 'image/png' } })
    .expect(400);
  expect(JSON.stringify(res.body)).toContain('secretbox');
});
