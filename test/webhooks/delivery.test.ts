import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import os from 'node:os';
import nacl from 'tweetnacl';
import { Client } from 'pg';
import supertest from 'supertest';
import { verifyWebhook } from '../../src/domain/webhooks/verify';
import type { Platform } from '../../src/platform';
import { createTestEnv, platformFor, type Env } from '../support/platform';
import { botAuth, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import { waitFor } from '../support/processes';
import { bodies, Receiver, type Reply } from '../support/receiver';

let platform: Platform;
let env: Env;
let drop: () => Promise<void>;
let http: ReturnType<typeof supertest>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  const e = await createTestEnv({
    ROLE: 'worker',
    WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3',
    WEBHOOK_TIMEOUT_MS: '1500',
  });
  env = e.env;
  drop = e.drop;
  platform = platformFor(env);
  await platform.start(); // the worker role: webhook delivery runs in this process
  http = supertest(platform.api);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await platform.stop();
  await drop();
});

async function receiver(): Promise<Receiver> {
  const r = await Receiver.start();
  receivers.push(r);
  return r;
}

async function withWebhook(url: string, body: Record<string, unknown> = {}) {
  const ctx = await userBotChat(http);
  const set = await http
    .put('/api/v1/bot/webhook')
    .set(botAuth(ctx.bot))
    .send({ url, ...body })
    .expect(200);
  return { ...ctx, secret: set.body.secret as string, publicKey: set.body.public_key as string };
}

/** Standard Webhooks verification written from the spec, independent of src/. */
function independentlyVerify(
  h: Record<string, unknown>,
  body: string,
  secret: string,
  whpk: string,
) {
  const content = `${String(h['webhook-id'])}.${String(h['webhook-timestamp'])}.${body}`;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(content).digest('base64');
  const sigs = String(h['webhook-signature']).split(' ');
  const v1 = sigs.filter((s) => s.startsWith('v1,')).map((s) => s.slice(3));
  const v1a = sigs.filter((s) => s.startsWith('v1a,')).map((s) => s.slice(4));
  const pub = Buffer.from(whpk.slice('whpk_'.length), 'base64');
  return {
    hmac: v1.includes(expected),
    ed25519: v1a.some((s) =>
      nacl.sign.detached.verify(Buffer.from(content), Buffer.from(s, 'base64'), pub),
    ),
  };
}

describe('webhook delivery', () => {
  it('signs with a plain secret of the owner’s choosing (16–256 characters) by its UTF-8 bytes', async () => {
    const r = await receiver();
    const secret = 'correct horse battery staple ✓';
    const { user, chatId, secret: shown } = await withWebhook(r.url, { secret });
    expect(shown).toBeUndefined(); // only a generated secret is shown
    await say(http, user, chatId, 'hi');
    const [got] = await r.waitFor(1);
    const h = got!.headers;
    const content = `${String(h['webhook-id'])}.${String(h['webhook-timestamp'])}.${got!.body}`;
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
      .update(content)
      .digest('base64');
    expect(String(h['webhook-signature']).split(' ')).toContain(`v1,${expected}`);
    expect(() => verifyWebhook({ headers: h, body: got!.body, secret })).not.toThrow();

    const bot = (await userBotChat(http)).bot;
    for (const bad of ['x'.repeat(15), 'x'.repeat(257), 'whsec_not-base64!!!!!!!']) {
      const res = await http
        .put('/api/v1/bot/webhook')
        .set(botAuth(bot))
        .send({ url: r.url, secret: bad })
        .expect(400);
      expect(res.body.error).toMatch(/^secret: /);
    }
    await http
      .put('/api/v1/bot/webhook')
      .set(botAuth(bot))
      .send({ url: r.url, secret: 'y'.repeat(256) })
      .expect(200);
  });

  it('delivers the /updates JSON, verifiable by both signatures (our helper and an independent check)', async () => {
    const r = await receiver();
    const { user, bot, chatId, secret, publicKey } = await withWebhook(r.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sent = await say(http, user, chatId, '/start hi');
    const [got] = await r.waitFor(1);
    const update = JSON.parse(got!.body);
    expect(update).toMatchObject({
      update_id: 1,
      type: 'message',
      payload: { message_id: sent.id, content: '/start hi', command: 'start' },
    });
    expect(got!.headers['webhook-id']).toBe(update.id);
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(
      10,
    );

    expect(() => verifyWebhook({ headers: got!.headers, body: got!.body, secret })).not.toThrow();
    expect(() =>
      verifyWebhook({ headers: got!.headers, body: got!.body, publicKeys: [publicKey] }),
    ).not.toThrow();
    const pk = await http.get('/api/v1/bot/webhook/public-key').expect(200);
    expect(pk.body.whpk).toBe(publicKey);
    expect(independentlyVerify(got!.headers, got!.body, secret, publicKey)).toEqual({
      hmac: true,
      ed25519: true,
    });
    // A tampered body fails both.
    expect(independentlyVerify(got!.headers, got!.body + ' ', secret, publicKey)).toEqual({
      hmac: false,
      ed25519: false,
    });
    expect(() => verifyWebhook({ headers: got!.headers, body: got!.body + ' ', secret })).toThrow();

    const attempts = await http.get('/api/v1/bot/webhook/attempts').set(botAuth(bot)).expect(200);
    expect(attempts.body.attempts).toHaveLength(1);
    expect(attempts.body.attempts[0]).toMatchObject({ status_code: 200, attempt: 1, update_id: 1 });
  });

  it('retries a failing endpoint: fails twice, then succeeds → delivered once, three attempts recorded', async () => {
    const r = await receiver();
    r.onRequest((_r, n) => (n <= 2 ? { status: 500, body: 'boom' } : { status: 204 }));
    const { user, bot, chatId } = await withWebhook(r.url);
    await say(http, user, chatId, 'retry me');
    const got = await r.waitFor(3);
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(1); // same id on every retry
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(200); // the schedule (0.3 s ± 20%)
    // The worker records an attempt once the response is in: wait for the third record.
    let attempts = await http.get('/api/v1/bot/webhook/attempts').set(botAuth(bot)).expect(200);
    for (let i = 0; i < 50 && attempts.body.attempts.length < 3; i++) {
      await new Promise((res) => setTimeout(res, 50));
      attempts = await http.get('/api/v1/bot/webhook/attempts').set(botAuth(bot)).expect(200);
    }
    expect(attempts.body.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([
      204, 500, 500,
    ]);
    expect(attempts.body.attempts[1]).toMatchObject({ attempt: 2, response_body: 'boom' });
    const info = await http.get('/api/v1/bot/webhook').set(botAuth(bot)).expect(200);
    expect(info.body).toMatchObject({
      url: r.url,
      pending_update_count: 0,
      last_error_message: 'HTTP 500',
    });
    expect(JSON.stringify(info.body)).not.toContain('whsec_');
  });

  it('treats 3xx as a failure (no redirects followed) and honours Retry-After', async () => {
    const r = await receiver();
    r.onRequest((_r, n): Reply =>
      n === 1
        ? { status: 302, headers: { location: 'http://127.0.0.1:1/' } }
        : n === 2
          ? { status: 429, headers: { 'retry-after': '1' } }
          : { status: 200 },
    );
    const { user, chatId } = await withWebhook(r.url);
    await say(http, user, chatId, 'x');
    const got = await r.waitFor(3);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up on an update after the schedule and goes on with the next', async () => {
    const r = await receiver();
    r.onRequest((req) =>
      JSON.parse(req.body).payload.content === 'poison' ? { status: 500 } : { status: 200 },
    );
    const { user, bot, chatId } = await withWebhook(r.url);
    await say(http, user, chatId, 'poison');
    await say(http, user, chatId, 'fine');
    await r.waitFor(5);
    expect(bodies<{ payload: { content: string } }>(r).map((b) => b.payload.content)).toEqual([
      'poison',
      'poison',
      'poison',
      'poison',
      'fine',
    ]);
    // The worker acknowledges an update once its 2xx is back, a moment after the receiver
    // saw the request.
    const pending = async () =>
      (await http.get('/api/v1/bot/webhook').set(botAuth(bot)).expect(200)).body
        .pending_update_count as number;
    await waitFor(async () => (await pending()) === 0);
  });

  it('removes the webhook when the endpoint answers 410', async () => {
    const r = await receiver();
    r.onRequest(() => ({ status: 410 }));
    const { user, bot, chatId } = await withWebhook(r.url);
    await say(http, user, chatId, 'gone?');
    await r.waitFor(1);
    for (
      let i = 0;
      i < 50 && (await http.get('/api/v1/bot/webhook').set(botAuth(bot))).body.url;
      i++
    ) {
      await new Promise((res) => setTimeout(res, 50));
    }
    const info = await http.get('/api/v1/bot/webhook').set(botAuth(bot)).expect(200);
    expect(info.body.url).toBe('');
    // Back to long polling, with the undelivered update still there.
    const upd = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(upd.body.updates[0].payload.content).toBe('gone?');
  });

  it('keeps one bot’s updates in update_id order', async () => {
    const r = await receiver();
    const { user, chatId } = await withWebhook(r.url);
    for (let i = 0; i < 15; i++) await say(http, user, chatId, `m${i}`);
    await r.waitFor(15);
    expect(bodies<{ update_id: number }>(r).map((b) => b.update_id)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
  });

  it('a dead endpoint for one bot does not slow another bot’s deliveries', async () => {
    const dead = await receiver();
    dead.onRequest(() => 'hang');
    const live = await receiver();
    const a = await withWebhook(dead.url);
    const b = await withWebhook(live.url);
    for (let i = 0; i < 3; i++) await say(http, a.user, a.chatId, `to the dead ${i}`);
    await dead.waitFor(1);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await say(http, b.user, b.chatId, `to the living ${i}`);
    await live.waitFor(5, 3000);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('sends the secret token headers when one is set', async () => {
    const r = await receiver();
    const { user, chatId } = await withWebhook(r.url, { secret_token: 'tok_123-abc' });
    await say(http, user, chatId, 'x');
    const [got] = await r.waitFor(1);
    expect(got!.headers['x-bot-webhook-secret']).toBe('tok_123-abc');
    expect(got!.headers['x-telegram-bot-api-secret-token']).toBe('tok_123-abc');
  });

  it('answers /updates with 409 while set, ends a parked poll, and returns to polling on delete', async () => {
    const r = await receiver();
    const ctx = await userBotChat(http);
    const parked = http
      .get('/api/v1/bot/updates?timeout=20')
      .set(botAuth(ctx.bot))
      .then((x) => x);
    await new Promise((res) => setTimeout(res, 300));
    await http.put('/api/v1/bot/webhook').set(botAuth(ctx.bot)).send({ url: r.url }).expect(200);
    const ended = await parked;
    expect(ended.status).toBe(409);
    const res = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(ctx.bot)).expect(409);
    expect(res.body.error).toContain('webhook');
    await http.delete('/api/v1/bot/webhook').set(botAuth(ctx.bot)).expect(200);
    await say(http, ctx.user, ctx.chatId, 'polling again');
    const upd = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(ctx.bot)).expect(200);
    expect(upd.body.updates[0].payload.content).toBe('polling again');
  });

  it('returns a generated secret once, not one the owner supplied, and stores it encrypted', async () => {
    const ctx = await userBotChat(http);
    const r = await receiver();
    const generated = await http
      .put('/api/v1/bot/webhook')
      .set(botAuth(ctx.bot))
      .send({ url: r.url })
      .expect(200);
    const supplied = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const again = await http
      .put('/api/v1/bot/webhook')
      .set(botAuth(ctx.bot))
      .send({ url: r.url, secret: supplied })
      .expect(200);
    expect(again.body.secret).toBeUndefined();
    const db = new Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT * FROM webhooks');
      const dump =
        JSON.stringify(rows) +
        rows.map((w) => Buffer.from(w.secret_sealed).toString('latin1')).join('');
      for (const s of [generated.body.secret, supplied]) {
        expect(dump).not.toContain(s);
        expect(dump).not.toContain(s.slice(6));
        expect(dump).not.toContain(Buffer.from(s.slice(6), 'base64').toString('latin1'));
      }
    } finally {
      await db.end();
    }
  });
});

describe('webhook URL checks', () => {
  it.each([
    ['loopback', 'https://127.0.0.1/hook'],
    ['private', 'https://10.0.0.1/hook'],
    ['link-local metadata', 'https://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hook'],
    ['non-http scheme', 'ftp://example.com/hook'],
    ['over 2048 characters', `https://example.com/${'a'.repeat(2050)}`],
  ])('refuses a %s URL at set time (400)', async (_label, url) => {
    const message = 'url: ';
    const p = platformFor(env, { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_ALLOW_HTTP: 'false' });
    try {
      const api = supertest(p.api);
      const owner = await registerUser(api);
      const bot = await registerBot(api, owner);
      const res = await api.put('/api/v1/bot/webhook').set(botAuth(bot)).send({ url }).expect(400);
      expect(res.body.error).toContain(message);
      expect((await api.get('/api/v1/bot/webhook').set(botAuth(bot))).body.url).toBe('');
    } finally {
      await p.stop();
    }
  });

  it('refuses http:// unless WEBHOOK_ALLOW_HTTP, and a bad secret', async () => {
    const p = platformFor(env, { WEBHOOK_ALLOW_HTTP: 'false' });
    try {
      const api = supertest(p.api);
      const bot = await registerBot(api, await registerUser(api));
      await api
        .put('/api/v1/bot/webhook')
        .set(botAuth(bot))
        .send({ url: 'http://example.com/h' })
        .expect(400);
      const bad = await api
        .put('/api/v1/bot/webhook')
        .set(botAuth(bot))
        .send({ url: 'https://example.com/h', secret: 'hunter2' })
        .expect(400);
      expect(bad.body.error).toContain('secret: ');
      await api.put('/api/v1/bot/webhook').set(botAuth(bot)).send({}).expect(400);
      await api.put('/api/v1/bot/webhook').send({ url: 'https://example.com/h' }).expect(401);
    } finally {
      await p.stop();
    }
  });

  it('refuses, at connection time, a host name that resolves to loopback', async () => {
    const name = os.hostname();
    const resolved = await lookup(name).catch(() => undefined);
    const loopbackName = resolved?.address.startsWith('127.') ? name : undefined;
    if (!loopbackName) return; // no such name on this machine; the agent unit tests cover localhost
    const r = await receiver();
    const port = new URL(r.url).port;
    // A second worker-role platform that refuses private addresses.
    const strict = platformFor(env, { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_ALLOW_HTTP: 'true' });
    await strict.start();
    try {
      await platform.stop(); // only the strict worker may deliver now
      const api = supertest(strict.api);
      const ctx = await userBotChat(api);
      await api
        .put('/api/v1/bot/webhook')
        .set(botAuth(ctx.bot))
        .send({ url: `http://${loopbackName}:${port}/hook` })
        .expect(200);
      await say(api, ctx.user, ctx.chatId, 'ssrf?');
      let attempts: { error: string | null }[] = [];
      for (let i = 0; i < 100 && attempts.length === 0; i++) {
        await new Promise((res) => setTimeout(res, 50));
        attempts = (await api.get('/api/v1/bot/webhook/attempts').set(botAuth(ctx.bot))).body
          .attempts;
      }
      expect(attempts[0]!.error).toMatch(/not a public address/);
      expect(r.received).toHaveLength(0);
    } finally {
      await strict.stop();
      platform = platformFor(env);
      await platform.start();
      http = supertest(platform.api);
    }
  });
});
