// Parameter parsing on its own: every body kind the libraries send, JSON-in-form decoding,
// file parts held in memory (capped) and attach:// references.
import express from 'express';
import supertest from 'supertest';
import { AppError } from '../../src/domain/errors';
import { quantaSentences } from '../../src/http/error-sentences';
import { bodyParsers, isUploadedFile, readParams } from '../../src/http/gateway/params';

const LIMIT = '2kb';

function echoApp() {
  const app = express();
  app.set('query parser', 'simple');
  app.use(bodyParsers(LIMIT));
  app.post('/', async (req, res) => {
    const params = await readParams(req, 2048);
    const show = (v: unknown): unknown =>
      isUploadedFile(v)
        ? { file: v.filename, mime: v.mime, text: v.data.toString() }
        : Array.isArray(v)
          ? v.map(show)
          : typeof v === 'object' && v !== null
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)]))
            : v;
    res.json(show(params));
  });
  app.use(((err, _req, res, _next) => {
    const known = err instanceof AppError;
    res.status(known ? err.status : (err.status ?? 500)).json({
      error: known ? quantaSentences[err.reason](err) : err.message,
    });
  }) as express.ErrorRequestHandler);
  return supertest(app);
}

describe('gateway parameters', () => {
  it('takes a JSON null as no parameters (Go telebot sends it), and refuses a bare value', async () => {
    const json = (body: string) =>
      echoApp().post('/?limit=5').set('content-type', 'application/json').send(body);
    expect((await json('null').expect(200)).body).toEqual({ limit: '5' });
    for (const bare of ['"text"', '42', 'true']) {
      expect((await json(bare).expect(400)).body).toEqual({ error: 'malformed JSON body' });
    }
  });

  it('merges the query string with a JSON body (the body wins)', async () => {
    const res = await echoApp()
      .post('/?chat_id=q&limit=5')
      .send({ chat_id: 'body', reply_markup: { inline_keyboard: [] } })
      .expect(200);
    expect(res.body).toEqual({
      chat_id: 'body',
      limit: '5',
      reply_markup: { inline_keyboard: [] },
    });
  });

  it('decodes JSON-encoded structured parameters in forms, and leaves text alone', async () => {
    const res = await echoApp()
      .post('/')
      .type('form')
      .send({
        text: '[not json]',
        reply_markup: '{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}',
        allowed_updates: '["message"]',
      })
      .expect(200);
    expect(res.body).toEqual({
      text: '[not json]',
      reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] },
      allowed_updates: ['message'],
    });
    const bad = await echoApp().post('/').type('form').send({ commands: '[' }).expect(400);
    expect(bad.body.error).toBe("can't parse commands JSON object");
  });

  it('binds multipart file parts by name and through attach:// (top level and nested)', async () => {
    const res = await echoApp()
      .post('/')
      .field('chat_id', 'c1')
      .field('photo', 'attach://f1')
      .field('media', JSON.stringify([{ type: 'document', media: 'attach://f2' }]))
      .attach('f1', Buffer.from('one'), { filename: 'one.jpg', contentType: 'image/jpeg' })
      .attach('f2', Buffer.from('two'), { filename: 'two.txt', contentType: 'text/plain' })
      .attach('document', Buffer.from('three'), 'three.bin')
      .expect(200);
    expect(res.body).toMatchObject({
      chat_id: 'c1',
      photo: { file: 'one.jpg', mime: 'image/jpeg', text: 'one' },
      media: [{ type: 'document', media: { file: 'two.txt', mime: 'text/plain', text: 'two' } }],
      document: { file: 'three.bin', text: 'three' },
    });
    const missing = await echoApp().post('/').field('photo', 'attach://nope').expect(400);
    expect(missing.body.error).toBe('file attach://nope was not sent');
  });

  it('refuses bodies over the limit, uploads included', async () => {
    await echoApp().post('/').attach('document', Buffer.alloc(4096, 1), 'big.bin').expect(413);
    await echoApp()
      .post('/')
      .send({ text: 'x'.repeat(4096) })
      .expect(413);
    await echoApp()
      .post('/')
      .set('content-type', 'multipart/form-data; boundary=zzz')
      .send('--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated')
      .expect(400);
  });
});
