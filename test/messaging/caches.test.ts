// The api's two in-process caches (bot keys; "quiet" inboxes that let an idle bot re-poll
// without a query) against real Postgres and Redis: they save the queries, and they never
// serve something stale for longer than an invalidation takes to arrive or the audit to run.
import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import type { ChatsRepository } from '../../src/domain/chats/chats.repository';
import type { Platform } from '../../src/platform';
import { platformFor, useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerBot, registerUser, say, userBotChat } from '../support/fixtures';
import { sleep, waitFor } from '../support/processes';
import { hashApiKey, newApiKey } from '../../src/domain/bots/api-key';
import { botCacheStats, cachedBots } from '../support/internals';

const t = useTestPlatform();

/** Counts the statements a platform sends to Postgres while `fn` runs. */
async function statementsDuring(platform: Platform, fn: () => Promise<unknown>) {
  const spy = jest.spyOn(platform.sql, 'query');
  try {
    await fn();
    return spy.mock.calls.map(([q]) => (typeof q === 'string' ? q : (q as { text: string }).text));
  } finally {
    spy.mockRestore();
  }
}

/** Warm a platform's key cache for `apiKey` (it trusts entries once its channel is confirmed). */
async function cacheKey(platform: Platform, apiKey: string): Promise<void> {
  const api = supertest(platform.api);
  await waitFor(async () => {
    await api.get('/api/v1/bot/me').set('x-bot-token', apiKey).expect(200);
    return cachedBots(platform) > 0;
  });
}

/** An update committed without its wakeup, as if its publisher died in between. */
async function updateWithoutWakeup(platform: Platform, botId: string, content: string) {
  await platform.sql.query(
    `WITH i AS (
       INSERT INTO bot_inboxes AS i (bot_id, last_update_id) VALUES ($1::uuid, 1)
       ON CONFLICT (bot_id) DO UPDATE SET last_update_id = i.last_update_id + 1
       RETURNING last_update_id)
     INSERT INTO updates (id, bot_id, update_id, type, payload, created_at)
     SELECT gen_random_uuid(), $1::uuid, last_update_id, 'message', $2::jsonb, now() FROM i`,
    [botId, JSON.stringify(storedMessageUpdate(content))],
  );
}

/** A message update as the log stores it (see domain/updates/update.ts), kind aside. */
function storedMessageUpdate(content: string) {
  const someone = { id: randomUUID(), username: 'someone', displayName: 'Someone', isBot: false };
  const message = {
    id: randomUUID(),
    chatId: randomUUID(),
    chatType: 'private',
    sender: someone,
    content,
    payload: {},
    replyToId: null,
    forwardFrom: null,
    createdAt: new Date().toISOString(),
    editedAt: null,
    media: null,
    poll: null,
    reactions: [],
  };
  return { message, command: null, inlineMedia: null };
}

describe('bot key cache', () => {
  it('looks a key up once, then answers without querying Postgres', async () => {
    const { http, platform } = t.current;
    const bot = await registerBot(http, await registerUser(http));
    await cacheKey(platform, bot.apiKey);
    const statements = await statementsDuring(platform, async () => {
      for (let i = 0; i < 5; i++) await http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    });
    expect(statements).toEqual([]);
  });

  it("a cached bot answers with its row's own created_at, also after its row changed", async () => {
    const { http, platform } = t.current;
    const bot = await registerBot(http, await registerUser(http));
    const row = async () =>
      (
        await platform.sql.query<{ created_at: Date; updated_at: Date }>(
          'SELECT created_at, updated_at FROM bots WHERE id = $1::uuid',
          [bot.id],
        )
      ).rows[0]!;
    const registered = await row();
    await cacheKey(platform, bot.apiKey);
    const me = await http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(me.body.bot.created_at).toBe(registered.created_at.toISOString());
    // Updated later: its updated_at moves on, and created_at read from the cache must not.
    await sleep(5);
    const commands = [{ command: 'start', description: 'Start' }];
    await http.post('/api/v1/bot/set-commands').set(botAuth(bot)).send({ commands }).expect(200);
    expect((await row()).updated_at.getTime()).toBeGreaterThan(registered.created_at.getTime());
    await cacheKey(platform, bot.apiKey);
    const again = await http.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
    expect(again.body.bot.created_at).toBe(registered.created_at.toISOString());
  });

  it('never caches an unknown key: each attempt is looked up and refused', async () => {
    const { http, platform } = t.current;
    const unknown = { apiKey: `bot_${'A'.repeat(43)}` };
    const statements = await statementsDuring(platform, async () => {
      for (let i = 0; i < 3; i++)
        await http.get('/api/v1/bot/me').set(botAuth(unknown)).expect(401);
    });
    expect(statements).toHaveLength(3);
  });

  it('a key deleted through another process is refused there within moments', async () => {
    const { http, env } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner);
    const second = platformFor(env);
    try {
      await cacheKey(second, bot.apiKey);
      await http.delete(`/api/v1/bot/delete/${bot.id}`).set(bearer(owner)).expect(200);
      const api2 = supertest(second.api);
      const took = await waitFor(
        async () => (await api2.get('/api/v1/bot/me').set(botAuth(bot))).status === 401,
        1000,
      );
      expect(took).toBeLessThan(500);
    } finally {
      await second.stop();
    }
  });

  it('set-commands shows at once on another process that had the bot cached', async () => {
    const { http, env } = t.current;
    const bot = await registerBot(http, await registerUser(http));
    const second = platformFor(env);
    try {
      await cacheKey(second, bot.apiKey);
      const commands = [{ command: 'start', description: 'Start' }];
      await http.post('/api/v1/bot/set-commands').set(botAuth(bot)).send({ commands }).expect(200);
      const api2 = supertest(second.api);
      await waitFor(async () => {
        const me = await api2.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
        return JSON.stringify(me.body.bot.commands) === JSON.stringify(commands);
      }, 1000);
    } finally {
      await second.stop();
    }
  });

  it('a bot cached under an old and a new key loses both when it changes', async () => {
    const { http, platform } = t.current;
    const bot = await registerBot(http, await registerUser(http));
    await cacheKey(platform, bot.apiKey);
    const others = botCacheStats(platform).entries - 1; // earlier tests' bots
    // Rotated behind this process's back (no invalidation): the old key stays cached, and
    // the new one is cached beside it for the same bot.
    const newKey = newApiKey();
    await platform.sql.query('UPDATE bots SET api_key_hash = $2 WHERE id = $1::uuid', [
      bot.id,
      hashApiKey(newKey),
    ]);
    await http.get('/api/v1/bot/me').set('x-bot-token', newKey).expect(200);
    await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(200);
    expect(botCacheStats(platform).entries).toBe(others + 2);
    // Any change to the bot is announced and drops both: the old key is refused at once.
    const commands = [{ command: 'start', description: 'Start' }];
    await http
      .post('/api/v1/bot/set-commands')
      .set('x-bot-token', newKey)
      .send({ commands })
      .expect(200);
    await waitFor(() => botCacheStats(platform).entries === others, 1000);
    await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(401);
    const me = await http.get('/api/v1/bot/me').set('x-bot-token', newKey).expect(200);
    expect(me.body.bot.commands).toEqual(commands);
  });

  it('the audit drops a key whose bot changed without an invalidation reaching it', async () => {
    const { http, env } = t.current;
    const bot = await registerBot(http, await registerUser(http));
    // Its own platform with a fast audit timer, started as in production.
    const audited = platformFor(env, { CACHE_AUDIT_MS: '200', PORT: '0', GATEWAY_PORT: '0' });
    try {
      await audited.start();
      await cacheKey(audited, bot.apiKey);
      // Deactivated behind the platform's back: no invalidation is published.
      await audited.sql.query('UPDATE bots SET is_active = false WHERE id = $1::uuid', [bot.id]);
      const api = supertest(audited.api);
      await waitFor(
        async () => (await api.get('/api/v1/bot/me').set(botAuth(bot))).status === 401,
        2000,
      );
    } finally {
      await audited.stop();
    }
  });
});

describe('chat audiences', () => {
  /** Its own platform with a fast audit timer, started as in production, around `fn`. */
  async function withAudited(fn: (audited: Platform) => Promise<void>): Promise<void> {
    const audited = platformFor(t.current.env, {
      CACHE_AUDIT_MS: '200',
      PORT: '0',
      GATEWAY_PORT: '0',
    });
    try {
      await audited.start();
      await fn(audited);
    } finally {
      await audited.stop();
    }
  }

  const repoOf = (p: Platform) => (p.services.chats as unknown as { repo: ChatsRepository }).repo;

  it('a chat quiet for several audits still sends without reading its members', async () => {
    await withAudited(async (audited) => {
      const api = supertest(audited.api);
      const reads = jest.spyOn(repoOf(audited), 'recipients');
      try {
        const { user, bot, chatId } = await userBotChat(api, { permissions: ['read_messages'] });
        await waitFor(() => reads.mock.calls.length > 0); // read when the chat is opened
        await reads.mock.results[0]!.value;
        await sleep(1000); // five audits, and five times what an entry's age limit was
        await say(api, user, chatId, 'after a quiet spell');
        expect(reads).toHaveBeenCalledTimes(1);
        const res = await api.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
        expect(res.body.updates[0].payload.content).toBe('after a quiet spell');
      } finally {
        reads.mockRestore();
      }
    });
  });

  it('the audit drops an audience whose member changed without an invalidation reaching it', async () => {
    await withAudited(async (audited) => {
      const api = supertest(audited.api);
      const { user, chatId } = await userBotChat(api);
      await audited.services.chats.audience(chatId, user.id); // cached
      // A new key behind the platform's back: no invalidation is published.
      const key = Buffer.alloc(32, 9).toString('base64');
      await audited.sql.query('UPDATE users SET public_key = $2 WHERE id = $1::uuid', [
        user.id,
        key,
      ]);
      await waitFor(async () => {
        const audience = await audited.services.chats.audience(chatId, user.id);
        return audience.members.find((m) => m.userId === user.id)?.publicKey === key;
      }, 2000);
    });
  });
});

describe('quiet inboxes', () => {
  it("an idle bot's re-polls cost no query; a message still arrives at once", async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await cacheKey(platform, bot.apiKey);
    await http.get('/api/v1/bot/updates?timeout=0&offset=1').set(botAuth(bot)).expect(200);
    const statements = await statementsDuring(platform, async () => {
      for (let i = 0; i < 3; i++) {
        const r = await http.get('/api/v1/bot/updates?timeout=0&offset=1').set(botAuth(bot));
        expect(r.body).toEqual({ updates: [] });
      }
    });
    expect(statements).toEqual([]);

    const parked = http.get('/api/v1/bot/updates?timeout=10&offset=1').set(botAuth(bot));
    const started = Date.now();
    setTimeout(() => void say(http, user, chatId, 'hello after quiet'), 200);
    const r = await parked;
    expect(r.body.updates.map((u: { payload: { content: string } }) => u.payload.content)).toEqual([
      'hello after quiet',
    ]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a different offset reads again (it may acknowledge and reveal other updates)', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, 'one');
    await http.get('/api/v1/bot/updates?timeout=0&offset=2').set(botAuth(bot)).expect(200);
    const statements = await statementsDuring(platform, () =>
      http.get('/api/v1/bot/updates?timeout=0&offset=1').set(botAuth(bot)).expect(200),
    );
    expect(statements.length).toBeGreaterThan(0);
  });

  it('an update whose wakeup was lost is found by the audit and wakes the parked poll', async () => {
    const { http, platform } = t.current;
    const { bot } = await userBotChat(http);
    await http.get('/api/v1/bot/updates?timeout=0&offset=1').set(botAuth(bot)).expect(200);
    const parked = http.get('/api/v1/bot/updates?timeout=15&offset=1').set(botAuth(bot));
    const done = parked.then((r) => r);
    await sleep(300);
    await updateWithoutWakeup(platform, bot.id, 'published by nobody');
    await sleep(300);
    // Still parked: nothing told this process.
    const race = await Promise.race([done.then(() => 'answered'), sleep(10).then(() => 'parked')]);
    expect(race).toBe('parked');
    const started = Date.now();
    await platform.services.updates.auditQuiet();
    const r = await done;
    expect(r.body.updates.map((u: { payload: { content: string } }) => u.payload.content)).toEqual([
      'published by nobody',
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a webhook set through another process after a quiet poll makes the next poll 409', async () => {
    const { http, env } = t.current;
    const { bot } = await userBotChat(http);
    await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    const second = platformFor(env);
    try {
      await supertest(second.api)
        .put('/api/v1/bot/webhook')
        .set(botAuth(bot))
        .send({ url: 'http://127.0.0.1:9/hook' })
        .expect(200);
      await waitFor(
        async () =>
          (await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot))).status === 409,
        1000,
      );
    } finally {
      await second.stop();
    }
  });
});
