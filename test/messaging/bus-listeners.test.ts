// Several listeners on one channel (two polls of one bot, a poll and the feed): each hears
// the channel's news, and one leaving does not silence the others. The bus keeps a lone
// listener without a Set (docs/performance.md); this is the case that must still work.
import { randomBytes } from 'node:crypto';
import { WakeupBus } from '../../src/realtime/wakeup-bus';
import { createLogger } from '../../src/infra/logger';
import { createRedis, type Redis } from '../../src/infra/redis';
import { waitFor } from '../support/processes';

describe('wakeup bus, listeners sharing a channel', () => {
  let pub: Redis;
  let sub: Redis;
  let bus: WakeupBus;

  beforeAll(() => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    pub = createRedis(url);
    sub = createRedis(url);
    const prefix = `test:${randomBytes(4).toString('hex')}:`;
    bus = new WakeupBus(sub, pub, prefix, createLogger({ LOG_LEVEL: 'silent' }));
  });

  afterAll(() => {
    bus.close();
    pub.disconnect();
    sub.disconnect();
  });

  it('wakes every listener, and the rest after one leaves', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const third: string[] = [];
    const stopFirst = await bus.listen('bot:a', (m) => first.push(m));
    const stopSecond = await bus.listen('bot:a', (m) => second.push(m));
    expect(bus.size).toBe(2);

    await bus.publish([['bot:a', 'one']]);
    await waitFor(() => first.length === 1 && second.length === 1);

    stopFirst();
    const stopThird = await bus.listen('bot:a', (m) => third.push(m));
    await bus.publish([['bot:a', 'two']]);
    await waitFor(() => second.length === 2 && third.length === 1);
    expect(first).toEqual(['one']);
    expect(second).toEqual(['one', 'two']);
    expect(third).toEqual(['two']);

    stopSecond();
    stopThird();
    expect(bus.size).toBe(0);
    // Back to one listener: it alone hears, once.
    const fourth: string[] = [];
    const stopFourth = await bus.listen('bot:a', (m) => fourth.push(m));
    await bus.publish([['bot:a', 'three']]);
    await waitFor(() => fourth.length === 1);
    expect(fourth).toEqual(['three']);
    expect([first, second, third].map((h) => h.length)).toEqual([1, 2, 1]);
    stopFourth();
  });
});
