import http from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { platformFor, useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import { sleep, waitFor } from '../support/processes';
import { parkedPolls } from '../../src/infra/metrics';
import { Client } from 'pg';

/** How many sessions wait on a lock `holder`'s session holds. */
async function lockWaiters(holder: Client): Promise<number> {
  const { rows } = await holder.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))',
  );
  return rows[0]!.n;
}

const t = useTestPlatform();

/** The api on a port of its own, for GETs a test can cut off mid-request. */
async function listening(app: http.RequestListener) {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const get = (path: string, headers: Record<string, string>) => {
    const req = http.get({ port, host: '127.0.0.1', path, headers });
    req.on('error', () => {});
    return req;
  };
  return { server, get };
}

describe('long-poll /updates', () => {
  it('parks until a message arrives, then returns at once', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const started = Date.now();
    const base = platform.bus.size; // the api's own listeners (bot-key invalidations)
    const poll = api.get('/api/v1/bot/updates?timeout=20').set(botAuth(bot));
    const pending = poll.then((r) => r);
    await waitFor(() => platform.bus.size > base);
    await sleep(100);
    await say(api, user, chatId, 'wake up');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.updates[0].payload.content).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('wakes a poll parked on one instance when the message is posted through another', async () => {
    const a = t.current.platform;
    const b = platformFor(t.current.env);
    try {
      const viaA = supertest(a.api);
      const viaB = supertest(b.api);
      const { user, bot, chatId } = await userBotChat(viaB);
      const started = Date.now();
      const base = a.bus.size;
      const pending = viaA
        .get('/api/v1/bot/updates?timeout=20')
        .set(botAuth(bot))
        .then((r) => r);
      await waitFor(() => a.bus.size > base);
      await say(viaB, user, chatId, 'cross-process');
      const res = await pending;
      expect(
        res.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
      ).toEqual(['cross-process']);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await b.stop();
    }
  });

  it('never loses a wakeup that lands between reading the log and waiting', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const updates = platform.services.updates;
    const realRead = updates.read.bind(updates);
    let calls = 0;
    // The first read comes back empty, and the message is committed and published right
    // after it, before the poll starts waiting: the race window, forced open.
    jest.spyOn(updates, 'read').mockImplementation(async (botId, o) => {
      const rows = await realRead(botId, o);
      if (calls++ === 0) await say(api, user, chatId, 'in the gap');
      return rows;
    });
    try {
      const started = Date.now();
      const res = await api.get('/api/v1/bot/updates?timeout=10').set(botAuth(bot)).expect(200);
      expect(res.body.updates[0].payload.content).toBe('in the gap');
      expect(Date.now() - started).toBeLessThan(3000); // not the 10 s timeout
      expect(calls).toBe(2);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('acknowledges everything below offset and consumes nothing else', async () => {
    const { http: api } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    for (const c of ['one', 'two', 'three']) await say(api, user, chatId, c);
    const get = (q: string) =>
      api.get(`/api/v1/bot/updates?timeout=0&${q}`).set(botAuth(bot)).expect(200);
    const ids = (r: { body: { updates: { update_id: number }[] } }) =>
      r.body.updates.map((u) => u.update_id);

    expect(ids(await get('offset=0'))).toEqual([1, 2, 3]);
    expect(ids(await get('offset=0'))).toEqual([1, 2, 3]); // at-least-once: still there
    expect(ids(await get('offset=2&limit=1'))).toEqual([2]);
    expect(ids(await get('offset=2'))).toEqual([2, 3]);
    expect(ids(await get('offset=4'))).toEqual([]);
    expect(ids(await get('offset=1'))).toEqual([]); // acknowledged stays acknowledged
    await say(api, user, chatId, 'four');
    expect(ids(await get('offset=4'))).toEqual([4]);
    // An offset far in the future cannot acknowledge updates that do not exist yet.
    expect(ids(await get('offset=1000'))).toEqual([]);
    await say(api, user, chatId, 'five');
    expect(ids(await get('offset=5'))).toEqual([5]);
  });

  it('ends the older of two concurrent polls with 409', async () => {
    const { http: api, platform } = t.current;
    const { bot } = await userBotChat(api);
    const base = platform.bus.size;
    const older = api
      .get('/api/v1/bot/updates?timeout=20')
      .set(botAuth(bot))
      .then((r) => r);
    await waitFor(() => platform.bus.size === base + 1);
    const newer = api
      .get('/api/v1/bot/updates?timeout=1')
      .set(botAuth(bot))
      .then((r) => r);
    const o = await older;
    expect(o.status).toBe(409);
    expect(o.body).toEqual({ error: 'terminated by another long poll for this bot' });
    expect((await newer).status).toBe(200);
  });

  it('frees the waiter at once when the client disconnects', async () => {
    const { platform } = t.current;
    const { bot } = await userBotChat(t.current.http);
    const { server, get } = await listening(platform.api);
    try {
      const before = platform.bus.size;
      const req = get('/api/v1/bot/updates?timeout=30', botAuth(bot));
      await waitFor(() => platform.bus.size === before + 1);
      req.destroy();
      await waitFor(() => platform.bus.size === before, 1000);
    } finally {
      server.close();
    }
  });

  it('hands a batch out again when its client went away while the batch was being read', async () => {
    const { http: api, platform, env } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    await say(api, user, chatId, 'not lost');
    const { server, get } = await listening(platform.api);
    // Holding the bot's inbox row makes the poll's consuming read wait until we let go.
    const holder = new Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM bot_inboxes WHERE bot_id = $1 FOR UPDATE', [bot.id]);
      const req = get('/api/v1/bot/updates?timeout=5', botAuth(bot));
      await waitFor(async () => (await lockWaiters(holder)) > 0);
      req.destroy();
      await sleep(100); // the server sees the client gone before the read returns
      await holder.query('COMMIT');
      // The read consumed the message for a client that was gone: it is handed out again
      // (and announced, so a poll parked meanwhile wakes for it).
      const res = await api.get('/api/v1/bot/updates?timeout=3').set(botAuth(bot)).expect(200);
      const contents = res.body.updates.map(
        (u: { payload: { content: string } }) => u.payload.content,
      );
      expect(contents).toEqual(['not lost']);
    } finally {
      await holder.end();
      server.close();
    }
  });

  it('does not touch Postgres again at the timeout while the subscription held', async () => {
    const { http: api, platform } = t.current;
    const { bot } = await userBotChat(api);
    const spy = jest.spyOn(platform.services.updates, 'read');
    try {
      await api.get('/api/v1/bot/updates?timeout=1').set(botAuth(bot)).expect(200);
      expect(spy).toHaveBeenCalledTimes(1); // the read before parking, none at the timeout
    } finally {
      spy.mockRestore();
    }
  });

  it('returns empty at the timeout when nothing arrives', async () => {
    const { bot } = await userBotChat(t.current.http);
    const started = Date.now();
    const res = await t.current.http
      .get('/api/v1/bot/updates?timeout=1')
      .set(botAuth(bot))
      .expect(200);
    expect(res.body.updates).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it.each([
    ['timeout=abc', 'timeout must be an integer'],
    ['limit=1.5', 'limit must be an integer'],
    ['offset=x', 'offset must be an integer'],
  ])('rejects %s with 400', async (q, msg) => {
    const { bot } = await userBotChat(t.current.http);
    const res = await t.current.http.get(`/api/v1/bot/updates?${q}`).set(botAuth(bot)).expect(400);
    expect(res.body.error).toContain(msg);
  });

  it('clamps limit to 1–100', async () => {
    const { http: api } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    for (let i = 0; i < 3; i++) await say(api, user, chatId, `m${i}`);
    const r = await api
      .get('/api/v1/bot/updates?timeout=0&limit=0&offset=0')
      .set(botAuth(bot))
      .expect(200);
    expect(r.body.updates).toHaveLength(1);
  });

  it('answers 403 without read_messages, and 401 without a key', async () => {
    const { http: api } = t.current;
    const owner = await registerUser(api);
    const bot = await registerBot(api, owner, { permissions: ['send_messages'] });
    const res = await api.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(403);
    expect(res.body.error).toBe('bot lacks the read_messages permission');
    await api.get('/api/v1/bot/updates').expect(401);
  });
});

describe('messenger event feed', () => {
  it('long-polls with a cursor and wakes on a bot reply', async () => {
    const { http: api } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    await say(api, user, chatId, 'first');
    const first = await api.get('/api/v1/events?timeout=0').set(bearer(user)).expect(200);
    expect(first.body.events).toHaveLength(1);
    const cursor = first.body.cursor;
    const pending = api
      .get(`/api/v1/events?after=${cursor}&timeout=20`)
      .set(bearer(user))
      .then((r) => r);
    await sleep(150);
    await api
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'reply' })
      .expect(200);
    const next = await pending;
    expect(
      next.body.events.map((e: { type: string; data: { content: string } }) => [
        e.type,
        e.data.content,
      ]),
    ).toEqual([['message.new', 'reply']]);
    expect(Number(next.body.cursor)).toBeGreaterThan(Number(cursor));
    const none = await api
      .get(`/api/v1/events?after=${next.body.cursor}&timeout=0`)
      .set(bearer(user))
      .expect(200);
    expect(none.body).toEqual({ events: [], cursor: next.body.cursor });
  });

  it('rejects a bad cursor with 400', async () => {
    const user = await registerUser(t.current.http);
    await t.current.http.get('/api/v1/events?after=abc').set(bearer(user)).expect(400);
    await t.current.http.get('/api/v1/events').expect(401);
  });
});

describe('shutdown', () => {
  it('answers parked polls at once when the platform stops', async () => {
    const p = platformFor(t.current.env);
    const api = supertest(p.api);
    const { bot } = await userBotChat(api);
    const started = Date.now();
    const parked = async () => (await parkedPolls.get()).values[0]?.value ?? 0;
    const base = await parked();
    const pending = api
      .get('/api/v1/bot/updates?timeout=30')
      .set(botAuth(bot))
      .then((r) => r);
    // Parked, not only listening: a stop during the poll's first read fails that read (503).
    await waitFor(async () => (await parked()) > base);
    await p.stop();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.updates).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
