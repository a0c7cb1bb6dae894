import { randomBytes } from 'node:crypto';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerBot, registerUser, userBotChat } from '../support/fixtures';
import { NO_SUCH_ID, binary, botCall, feedOf, historyOf, pngBytes, updatesOf } from './support';

const t = useTestPlatform();
// A second platform with a tiny limit, so "too large" needs no 10 MB request.
const small = useTestPlatform({ MEDIA_MAX_BYTES: '1000' });

describe('send-photo and send-document (bot → user)', () => {
  it('round-trips a 300 KB photo to the user byte for byte', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const bytes = pngBytes(300 * 1024);
    const sent = await botCall(http, bot, 'send-photo', {
      chat_id: chatId,
      photo: bytes.toString('base64'),
      mime: 'image/png',
      w: 640,
      h: 480,
      caption: 'a picture',
    });
    const media = sent.body.message.media;
    expect(media).toMatchObject({
      kind: 'photo',
      mime: 'image/png',
      size: bytes.length,
      w: 640,
      h: 480,
      url: `/api/v1/media/${media.id}`,
    });
    expect(sent.body.message.content).toBe('a picture');

    const [inHistory] = await historyOf(http, user, chatId);
    expect(inHistory).toMatchObject({ id: sent.body.message_id, media: { id: media.id } });
    const { events } = await feedOf(http, user);
    expect(events[0]).toMatchObject({ type: 'message.new', data: { media: { id: media.id } } });
    expect(events[0]!.data.media).not.toHaveProperty('data');

    const got = await http.get(media.url).set(bearer(user)).buffer(true).parse(binary).expect(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(got.body, bytes)).toBe(0);
    expect(got.headers.etag).toBe(`"${media.sha256}"`);
    // The bot fetches the same bytes with its token.
    const asBot = await http
      .get(`/api/v1/bot/media/${media.id}`)
      .set(botAuth(bot))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(asBot.body, bytes)).toBe(0);
    await http
      .get(media.url)
      .set({ ...bearer(user), 'if-none-match': got.headers.etag })
      .expect(304);
  });

  it('round-trips a document with its name, type and size', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const bytes = randomBytes(5000);
    const sent = await botCall(http, bot, 'send-document', {
      chat_id: chatId,
      document: bytes.toString('base64'),
      file_name: 'report ü.pdf',
      mime: 'application/pdf',
      size: bytes.length,
    });
    expect(sent.body.message.media).toMatchObject({
      kind: 'document',
      file_name: 'report ü.pdf',
      mime: 'application/pdf',
      size: 5000,
    });
    expect(sent.body.message.content).toBe('');
    const got = await http
      .get(sent.body.message.media.url)
      .set(bearer(user))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toContain("filename*=UTF-8''report%20%C3%BC.pdf");
    expect(Buffer.compare(got.body, bytes)).toBe(0);
  });

  it('serves media to members only (403), and unknown ids are 404', async () => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const sent = await botCall(http, bot, 'send-photo', {
      chat_id: chatId,
      photo: pngBytes(100).toString('base64'),
      mime: 'image/png',
      w: 1,
      h: 1,
    });
    const id = sent.body.message.media.id;
    const stranger = await registerUser(http);
    await http.get(`/api/v1/media/${id}`).set(bearer(stranger)).expect(403);
    const otherBot = await registerBot(http, stranger);
    await http.get(`/api/v1/bot/media/${id}`).set(botAuth(otherBot)).expect(403);
    await http.get(`/api/v1/media/${NO_SUCH_ID}`).set(bearer(stranger)).expect(404);
    const bad = await http.get('/api/v1/media/not-a-uuid').set(bearer(stranger)).expect(404);
    expect(bad.body).toEqual({ error: 'media not found' });
    await http.get(`/api/v1/media/${id}`).expect(401);
  });

  it.each([
    [{ photo: 'AAAA', mime: 'image/png', w: 1 }, 'h is required'],
    [{ mime: 'image/png', w: 1, h: 1 }, 'photo is required'],
    [{ photo: 12, mime: 'image/png', w: 1, h: 1 }, 'photo: '],
    [{ photo: '***', mime: 'image/png', w: 1, h: 1 }, 'photo: must be base64'],
    [{ photo: 'AAAAA', mime: 'image/png', w: 1, h: 1 }, 'photo: must be base64'],
    [{ photo: 'PNG', mime: 'image/svg+xml', w: 1, h: 1 }, 'mime: must be one of image/jpeg'],
    [{ photo: 'PNG', mime: 'image/jpeg', w: 1, h: 1 }, 'photo: the bytes are not image/jpeg'],
    [{ photo: 'PNG', mime: 'image/png', w: 1.5, h: 1 }, 'w: must be an integer'],
    [{ photo: 'PNG', mime: 'image/png', w: 0, h: 1 }, 'w: must be at least 1'],
    [{ photo: 'PNG', mime: 'image/png', w: 1, h: 1, caption: 7 }, 'caption: '],
  ])('refuses send-photo %j → 400', async (body, message) => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const b = JSON.parse(
      JSON.stringify({ chat_id: chatId, ...body }).replace(
        '"PNG"',
        JSON.stringify(pngBytes(64).toString('base64')),
      ),
    );
    const res = await botCall(http, bot, 'send-photo', b, 400);
    expect(res.body.error).toContain(message);
    expect(await historyOf(http, user, chatId)).toEqual([]);
  });

  it.each([
    [{ size: 11 }, 'size: is 11 but the document has 10 bytes'],
    [{ size: '10' }, 'size: '],
    [{ file_name: '' }, 'file_name: must not be empty'],
    [{ file_name: '../etc/passwd' }, 'file_name: must not contain'],
    [{ mime: 'not a type' }, 'mime: must be a media type'],
    [{ document: '' }, 'document: must not be empty'],
  ])('refuses send-document %j → 400', async (override, message) => {
    const { http } = t.current;
    const { bot, chatId } = await userBotChat(http);
    const body = {
      chat_id: chatId,
      document: randomBytes(10).toString('base64'),
      file_name: 'a.bin',
      mime: 'application/octet-stream',
      size: 10,
      ...override,
    };
    const res = await botCall(http, bot, 'send-document', body, 400);
    expect(res.body.error).toContain(message);
  });

  it('checks membership (403) and the chat (404)', async () => {
    const { http } = t.current;
    const { chatId } = await userBotChat(http);
    const owner = await registerUser(http);
    const outsider = await registerBot(http, owner);
    const photo = { photo: pngBytes(50).toString('base64'), mime: 'image/png', w: 1, h: 1 };
    const res = await botCall(http, outsider, 'send-photo', { chat_id: chatId, ...photo }, 403);
    expect(res.body).toEqual({ error: 'bot is not a member of the chat' });
    await botCall(http, outsider, 'send-photo', { chat_id: NO_SUCH_ID, ...photo }, 404);
    await botCall(http, outsider, 'send-photo', { chat_id: 'nope', ...photo }, 404);
  });
});

describe('media from the messenger (user → bot)', () => {
  it('inlines small files in the update and links big ones for the bot to fetch', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const tiny = pngBytes(1024);
    const big = randomBytes(100 * 1024);
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({
        content: 'look',
        media: { data: tiny.toString('base64'), mime: 'image/png', w: 2, h: 2 },
      })
      .expect(201);
    const doc = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({
        media: { data: big.toString('base64'), mime: 'application/zip', file_name: 'x.zip' },
      })
      .expect(201);
    expect(doc.body.message).toMatchObject({
      content: '',
      media: { kind: 'document', size: big.length },
    });

    const [photoUpd, docUpd] = await updatesOf(http, bot);
    expect(photoUpd).toMatchObject({
      type: 'message',
      payload: {
        content: 'look',
        user_id: user.id,
        media: { kind: 'photo', mime: 'image/png', size: 1024, w: 2, h: 2 },
      },
    });
    expect(Buffer.from(photoUpd!.payload.media!.data as string, 'base64').equals(tiny)).toBe(true);
    expect(photoUpd!.payload.media!.url).toBe(
      `/api/v1/bot/media/${String(photoUpd!.payload.media!.id)}`,
    );

    expect(docUpd!.payload.media).toMatchObject({ kind: 'document', file_name: 'x.zip' });
    expect(docUpd!.payload.media).not.toHaveProperty('data');
    const fetched = await http
      .get(docUpd!.payload.media!.url as string)
      .set(botAuth(bot))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(fetched.headers['content-type']).toBe('application/zip');
    expect(Buffer.compare(fetched.body, big)).toBe(0);
  });

  it.each([
    [{}, 'content is required'],
    [{ media: { mime: 'image/png' } }, 'media.data is required'],
    [{ media: { data: 'AAAA', mime: 'text/plain', kind: 'photo' } }, 'media.mime: a photo must be'],
    [{ media: { data: '%%%%', mime: 'text/plain' } }, 'media.data: must be base64'],
  ])('refuses %j → 400', async (body, message) => {
    const { http } = t.current;
    const { user, chatId } = await userBotChat(http);
    const res = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send(body)
      .expect(400);
    expect(res.body.error).toContain(message);
  });

  it('makes a deleted message’s media unreachable', async () => {
    const { http } = t.current;
    const { user, chatId } = await userBotChat(http);
    const sent = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ media: { data: pngBytes(40).toString('base64'), mime: 'image/png' } })
      .expect(201);
    const url = sent.body.message.media.url;
    await http.get(url).set(bearer(user)).expect(200);
    await http
      .delete(`/api/v1/chats/${chatId}/messages/${sent.body.message.id}`)
      .set(bearer(user))
      .expect(204);
    await http.get(url).set(bearer(user)).expect(404);
  });
});

describe('MEDIA_MAX_BYTES', () => {
  it('takes a photo of exactly 10 MB by default (a ~14 MB JSON body), not a byte more', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const photo = (bytes: Buffer) => ({
      chat_id: chatId,
      photo: bytes.toString('base64'),
      mime: 'image/png',
      w: 1,
      h: 1,
    });
    const bytes = pngBytes(10 * 1024 * 1024);
    const sent = await botCall(http, bot, 'send-photo', photo(bytes));
    const got = await http
      .get(sent.body.message.media.url)
      .set(bearer(user))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(got.body, bytes)).toBe(0);
    const over = await botCall(http, bot, 'send-photo', photo(pngBytes(bytes.length + 1)), 413);
    expect(over.body).toEqual({ error: 'photo: must be at most 10485760 bytes' });
  });

  it('refuses media above the limit with 413 and stores nothing', async () => {
    const { http } = small.current;
    const { user, bot, chatId } = await userBotChat(http);
    const photo = (n: number) => ({
      chat_id: chatId,
      photo: pngBytes(n).toString('base64'),
      mime: 'image/png',
      w: 1,
      h: 1,
    });
    const over = await botCall(http, bot, 'send-photo', photo(1001), 413);
    expect(over.body).toEqual({ error: 'photo: must be at most 1000 bytes' });
    const doc = await botCall(
      http,
      bot,
      'send-document',
      {
        chat_id: chatId,
        document: randomBytes(1001).toString('base64'),
        file_name: 'a',
        mime: 'application/octet-stream',
        size: 1001,
      },
      413,
    );
    expect(doc.body.error).toBe('document: must be at most 1000 bytes');
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ media: { data: randomBytes(1001).toString('base64'), mime: 'text/plain' } })
      .expect(413);
    // Far above: the body itself is refused before it is parsed.
    const huge = await botCall(http, bot, 'send-photo', photo(200 * 1024), 413);
    expect(huge.body).toEqual({ error: 'request body too large' });
    expect(await historyOf(http, user, chatId)).toEqual([]);
    expect(await updatesOf(http, bot)).toEqual([]);

    await botCall(http, bot, 'send-photo', photo(1000));
    expect(await historyOf(http, user, chatId)).toHaveLength(1);
  });

  it('keeps the ordinary body limit on other routes', async () => {
    const { http } = small.current;
    const { bot, chatId } = await userBotChat(http);
    const res = await botCall(
      http,
      bot,
      'send-message',
      { chat_id: chatId, content: 'x', payload: { pad: 'y'.repeat(1100 * 1024) } },
      413,
    );
    expect(res.body).toEqual({ error: 'request body too large' });
  });
});
