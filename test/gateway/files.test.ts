// Files on the Telegram form (issue 14): an incoming photo is a PhotoSize list and a document
// carries file ids, exactly as Telegram's types have them; getFile names a path, and the bytes
// are downloaded from /file/bot<token>/<path> whatever the size, by members of the chat only.
import { createHash, randomBytes } from 'node:crypto';
import { Api, InputFile } from 'grammy';
import { bearer, registerBot, say, userBotChat } from '../support/fixtures';
import { PNG, startListening, type Listening } from './support';

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(async () => {
  await p?.close();
});

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
const apiOf = (token: string) => new Api(token, { apiRoot: p.apiRoot });
const download = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${p.apiRoot}/file/bot${token}/${path}`, init);

async function sendAsUser(token: string, chatId: string, media: object, content?: string) {
  const res = await p.http
    .post(`/api/v1/chats/${chatId}/messages`)
    .set(bearer({ token }))
    .send({ ...(content && { content }), media });
  expect(res.status).toBe(201);
  return res.body.message as { id: string };
}

describe('files on the Telegram form', () => {
  it('a person’s 3 MB document: file ids in the update, getFile, then the bytes by URL', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    await sendAsUser(user.token, chatId, {
      data: bytes.toString('base64'),
      mime: 'application/octet-stream',
      kind: 'document',
      file_name: 'big.bin',
    });
    const api = apiOf(bot.telegramToken);
    const [update] = await api.getUpdates({ timeout: 0 });
    const document = update!.message!.document!;
    expect(document).toEqual({
      file_id: expect.any(String),
      file_unique_id: expect.any(String),
      file_name: 'big.bin',
      mime_type: 'application/octet-stream',
      file_size: bytes.length,
    });

    const file = await api.getFile(document.file_id);
    expect(file).toEqual({
      file_id: document.file_id,
      file_unique_id: document.file_unique_id,
      file_size: bytes.length,
      file_path: expect.stringMatching(/^documents\/[^/]+$/),
    });
    const res = await download(bot.telegramToken, file.file_path!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.length).toBe(bytes.length);
    expect(sha(got)).toBe(sha(bytes));

    // The same path with the Koto form's Bearer token.
    const koto = await fetch(`${p.apiRoot}/file/${file.file_path}`, {
      headers: { authorization: `Bearer ${bot.apiKey}` },
    });
    expect(sha(Buffer.from(await koto.arrayBuffer()))).toBe(sha(bytes));
  });

  it('a photo is a PhotoSize list with nothing else; a bot’s own upload downloads the same', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    await sendAsUser(user.token, chatId, { data: PNG.toString('base64'), mime: 'image/png' }, 'hi');
    const api = apiOf(bot.telegramToken);
    const [update] = await api.getUpdates({ timeout: 0 });
    expect(update!.message!.photo).toEqual([
      {
        file_id: expect.any(String),
        file_unique_id: expect.any(String),
        width: 1,
        height: 1,
        file_size: PNG.length,
      },
    ]);
    expect(update!.message!.caption).toBe('hi');

    const chat = update!.message!.chat.id;
    const big = randomBytes(2 * 1024 * 1024);
    const sent = await api.sendDocument(chat, new InputFile(big, 'upload.bin'));
    const file = await api.getFile(sent.document.file_id);
    const got = Buffer.from(
      await (await download(bot.telegramToken, file.file_path!)).arrayBuffer(),
    );
    expect(sha(got)).toBe(sha(big));
  });

  it('only a member of the file’s chat may see it; unknown, deleted and unauthorised are refused', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    const sent = await sendAsUser(user.token, chatId, {
      data: randomBytes(1000).toString('base64'),
      mime: 'application/pdf',
      kind: 'document',
      file_name: 'a.pdf',
    });
    const api = apiOf(bot.telegramToken);
    const [update] = await api.getUpdates({ timeout: 0 });
    const fileId = update!.message!.document!.file_id;
    const { file_path } = await api.getFile(fileId);

    const stranger = await registerBot(p.http, user);
    await expect(apiOf(stranger.telegramToken).getFile(fileId)).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: wrong file_id or the file is temporarily unavailable',
    });
    const refused = await download(stranger.telegramToken, file_path!);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ ok: false, error_code: 404 });
    expect((await download('123456789:nope', file_path!)).status).toBe(401);
    expect((await fetch(`${p.apiRoot}/file/${file_path}`)).status).toBe(401);
    await expect(api.getFile('no-such-file')).rejects.toMatchObject({ error_code: 400 });
    expect((await download(bot.telegramToken, 'documents/not-a-file')).status).toBe(404);

    // The message deleted: its file is gone for everyone.
    await p.http
      .delete(`/api/v1/chats/${chatId}/messages/${sent.id}`)
      .set(bearer(user))
      .expect(204);
    expect((await download(bot.telegramToken, file_path!)).status).toBe(404);
  });

  it('the Koto form keeps the reference’s inline photo fields', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    await say(p.http, user, chatId, 'first');
    await sendAsUser(user.token, chatId, { data: PNG.toString('base64'), mime: 'image/png' });
    const res = await fetch(`${p.apiRoot}/getUpdates`, {
      headers: { authorization: `Bearer ${bot.apiKey}` },
    });
    const [, second] = ((await res.json()) as { result: { message: { photo: object[] } }[] })
      .result;
    expect(second!.message.photo[0]).toMatchObject({
      data: PNG.toString('base64'),
      mime: 'image/png',
      w: 1,
      h: 1,
      file_id: expect.any(String),
    });
  });
});
