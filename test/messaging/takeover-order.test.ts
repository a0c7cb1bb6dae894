// Exclusive long-polls (a bot's getUpdates) are ordered by Redis: a waiter counts another's
// takeover only when it arrives after its own announcement. An older poll's takeover still in
// flight when a newer poll starts listening must not end the newer one (back-to-back polls
// of one bot did get 409 that way), and a newer poll's takeover must end the older.
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/infra/logger';
import { createRedis, type Redis } from '../../src/infra/redis';
import { longWait } from '../../src/realtime/long-wait';
import { WakeupBus } from '../../src/realtime/wakeup-bus';
import { sleep } from '../support/processes';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('takeover order of exclusive waiters', () => {
  let pub: Redis;
  let sub: Redis;
  let bus: WakeupBus;

  beforeAll(() => {
    pub = createRedis(redisUrl);
    sub = createRedis(redisUrl);
    bus = new WakeupBus(
      sub,
      pub,
      `test:${randomBytes(4).toString('hex')}:`,
      createLogger({ LOG_LEVEL: 'silent' }),
    );
  });

  afterAll(() => {
    bus.close();
    pub.disconnect();
    sub.disconnect();
  });

  const taken = (by: string) => Object.assign(new Error(`taken over by ${by}`), { by });

  it('ignores a takeover heard before its own, and yields to one heard after it', async () => {
    const channel = 'bot:order';
    let reads = 0;
    const waiter = longWait<string>({
      bus,
      channel,
      // Right after listening, before this waiter's own announcement went out: an older
      // poll's takeover arriving now was published before it.
      logStillEmpty: () => {
        bus.wakeLocal(channel, '~takeover:older');
        return false;
      },
      read: () => {
        reads++;
        return Promise.resolve([]);
      },
      timeoutMs: 5000,
      signal: new AbortController().signal,
      exclusiveId: 'me',
      onTakenOver: taken,
    });
    const outcome = waiter.then(
      () => 'answered',
      (err: { by: string }) => err.by,
    );
    await sleep(300); // parked, its own announcement echoed back
    expect(reads).toBeGreaterThanOrEqual(1);
    await bus.publish([[channel, '~takeover:newer']]);
    expect(await outcome).toBe('newer');
  });

  it('a webhook (takeover without ~) ends it whenever it is heard', async () => {
    const channel = 'bot:webhook';
    const waiter = longWait<string>({
      bus,
      channel,
      logStillEmpty: () => {
        bus.wakeLocal(channel, 'takeover:webhook');
        return false;
      },
      read: () => Promise.resolve([]),
      timeoutMs: 5000,
      signal: new AbortController().signal,
      exclusiveId: 'me',
      onTakenOver: taken,
    });
    await expect(waiter).rejects.toMatchObject({ by: 'webhook' });
  });
});
