// A private redis-server, so killing it cannot disturb other test files.
import { spawnSync } from 'node:child_process';
import supertest from 'supertest';
import { createTestEnv, platformFor } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';
import type { Platform } from '../../src/platform';
import { RedisServer, sleep } from '../support/processes';
import { cachedBots } from '../support/internals';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

(hasRedis ? describe : describe.skip)('when Redis drops', () => {
  let redis: RedisServer;
  let platform: Platform;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const testEnv = await createTestEnv({ REDIS_URL: redis.url });
    drop = testEnv.drop;
    platform = platformFor(testEnv.env);
  });

  afterAll(async () => {
    await platform.stop();
    if (!redis.running) await redis.restart(); // drop() cleans keys through it
    await drop();
    await redis.kill();
  });

  it('parked polls still return by their timeout, messages are still accepted, wakeups resume', async () => {
    const api = supertest(platform.api);
    const { user, bot, chatId } = await userBotChat(api);

    const parked = api
      .get('/api/v1/bot/updates?timeout=3&offset=1')
      .set(botAuth(bot))
      .then((r) => r);
    await sleep(300);
    await redis.kill();
    const started = Date.now();
    await say(api, user, chatId, 'while redis is down');
    const res = await parked;
    expect(res.status).toBe(200);
    // The wakeup was lost with Redis; the poll's final read at its timeout still finds it.
    expect(
      res.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
    ).toEqual(['while redis is down']);
    expect(Date.now() - started).toBeLessThan(4500);
    await api.get('/ready').expect(503);

    await redis.restart();
    for (let i = 0; i < 100 && (await api.get('/ready')).status !== 200; i++) await sleep(100);

    const t0 = Date.now();
    const next = api
      .get('/api/v1/bot/updates?timeout=20&offset=2')
      .set(botAuth(bot))
      .then((r) => r);
    await sleep(300);
    await say(api, user, chatId, 'redis is back');
    const woken = await next;
    expect(
      woken.body.updates.map((u: { payload: { content: string } }) => u.payload.content),
    ).toEqual(['redis is back']);
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 30000);

  it('while Redis is away, cached bot keys are not trusted: a key deleted elsewhere fails at once', async () => {
    const api = supertest(platform.api);
    const { bot } = await userBotChat(api);
    for (let i = 0; i < 100 && cachedBots(platform) === 0; i++) {
      await api.get('/api/v1/bot/me').set(botAuth(bot)).expect(200);
      await sleep(20);
    }
    expect(cachedBots(platform)).toBeGreaterThan(0);
    await redis.kill();
    await sleep(100);
    // Deleted by "another process" whose invalidation cannot arrive while Redis is away.
    await platform.sql.query('DELETE FROM bots WHERE id = $1::uuid', [bot.id]);
    await api.get('/api/v1/bot/me').set(botAuth(bot)).expect(401);
  }, 20000);
});
