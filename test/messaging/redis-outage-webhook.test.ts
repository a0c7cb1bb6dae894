// A user's message to a bot with a webhook while Redis is down: answered once committed (the
// delivery kick does not wait on Redis), and delivered after Redis returns, nothing lost.
import { spawnSync } from 'node:child_process';
import supertest from 'supertest';
import { createTestEnv, platformFor } from '../support/platform';
import { bearer, userBotChat } from '../support/fixtures';
import type { Platform } from '../../src/platform';
import { Receiver } from '../support/receiver';
import { RedisServer, sleep } from '../support/processes';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

(hasRedis ? describe : describe.skip)('webhook bots while Redis is down', () => {
  let redis: RedisServer;
  let platform: Platform;
  let drop: () => Promise<void>;
  let receiver: Receiver;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const testEnv = await createTestEnv({ REDIS_URL: redis.url });
    drop = testEnv.drop;
    platform = platformFor(testEnv.env);
    await platform.start();
    receiver = await Receiver.start();
  });

  afterAll(async () => {
    await receiver?.close();
    await platform?.stop();
    if (!redis.running) await redis.restart();
    await drop?.();
    await redis.kill();
  });

  it('a send answers within 1 s and is delivered after Redis returns', async () => {
    const api = supertest(platform.api);
    const { user, bot, chatId } = await userBotChat(api);
    await supertest(platform.gateway)
      .post(`/bot${bot.telegramToken}/setWebhook`)
      .send({ url: receiver.url })
      .expect(200);
    const texts = (n: number) => receiver.received.slice(0, n).map((r) => JSON.parse(r.body));

    await api
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'before' })
      .expect(201);
    await receiver.waitFor(1);

    await redis.kill();
    await sleep(200);
    const during: number[] = [];
    for (const content of ['during 1', 'during 2']) {
      const started = Date.now();
      const res = await api
        .post(`/api/v1/chats/${chatId}/messages`)
        .set(bearer(user))
        .send({ content })
        .timeout(5000);
      during.push(Date.now() - started);
      expect(res.status).toBe(201);
    }
    console.log(`sends to a webhook bot with Redis down answered in ${during.join(', ')} ms`);
    for (const ms of during) expect(ms).toBeLessThan(1000);

    await redis.restart();
    const back = Date.now();
    // The worker's sweep finds the undelivered updates once Redis is back.
    await receiver.waitFor(3, 40000);
    console.log(`delivered ${Date.now() - back} ms after Redis returned`);
    expect(texts(3).map((u: { message: { text: string } }) => u.message.text)).toEqual([
      'before',
      'during 1',
      'during 2',
    ]);
  }, 70000);
});
