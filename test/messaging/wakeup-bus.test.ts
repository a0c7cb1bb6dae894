// The wakeup bus when only the publishing connection loses Redis (other processes, here a
// second bus, still hear Redis): news published meanwhile is heard in the publishing process
// at once and sent to the others once the publisher is back, presence announcements are not.
// The publisher reaches the shared Redis through a proxy that the test unplugs; nothing else
// on the machine is touched.
import { randomBytes } from 'node:crypto';
import { DETAIL, WakeupBus } from '../../src/realtime/wakeup-bus';
import { createLogger } from '../../src/infra/logger';
import { createRedis, type Redis } from '../../src/infra/redis';
import { TcpProxy } from '../support/tcp-proxy';
import { sleep, waitFor } from '../support/processes';

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

describe('wakeup bus, publisher cut off from Redis', () => {
  let proxy: TcpProxy;
  let pub: Redis;
  let sub: Redis;
  let bus: WakeupBus;
  /** Another process's bus: hears only what goes through Redis. */
  let other: WakeupBus;
  let otherConns: Redis[];

  beforeAll(async () => {
    proxy = await TcpProxy.start({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    pub = createRedis(`redis://127.0.0.1:${proxy.port}`);
    sub = createRedis(redisUrl.toString());
    for (const c of [pub, sub]) c.on('error', () => undefined); // expected while unplugged
    const prefix = `test:${randomBytes(4).toString('hex')}:`;
    bus = new WakeupBus(sub, pub, prefix, createLogger({ LOG_LEVEL: 'silent' }));
    otherConns = [createRedis(redisUrl.toString()), createRedis(redisUrl.toString())];
    other = new WakeupBus(
      otherConns[0]!,
      otherConns[1]!,
      prefix,
      createLogger({ LOG_LEVEL: 'silent' }),
    );
  });

  afterAll(async () => {
    bus.close();
    other.close();
    for (const c of [pub, sub, ...otherConns]) c.disconnect();
    await proxy.close();
  });

  /** What this process's bus and the other's hear on `name`, until `stop`. */
  async function hearOnBoth(name: string) {
    const here: string[] = [];
    const heard: string[] = [];
    const stops = [
      await bus.listen(name, (m) => here.push(m)),
      await other.listen(name, (m) => heard.push(m)),
    ];
    return { here, heard, stop: () => stops.forEach((stop) => stop()) };
  }

  async function unplugPublisher(): Promise<void> {
    await proxy.down();
    await waitFor(() => pub.status === 'reconnecting');
  }

  it('sends news published while it was away once it is back, and drops presence', async () => {
    const { here, heard, stop } = await hearOnBoth('bot:x');
    try {
      await unplugPublisher();
      await bus.publish([
        ['bot:x', 'update'],
        ['bot:x', '~takeover:someone'],
        ['bot:x', 'update'], // the same wakeup twice is sent once
      ]);
      expect(here).toEqual(['update', 'update']); // its own process hears news at once
      await sleep(200);
      expect(heard).toEqual([]);

      await proxy.up();
      await waitFor(() => heard.length > 0, 5000);
      await sleep(200);
      expect(heard).toEqual(['update']);
    } finally {
      stop();
    }
  });

  it('announces without waiting for Redis while it is away, and sends the news once back', async () => {
    const { here, heard, stop } = await hearOnBoth('users:changed');
    try {
      await unplugPublisher();
      const t0 = Date.now();
      await bus.announce([['users:changed', 'someone']]);
      expect(Date.now() - t0).toBeLessThan(200);
      expect(here).toEqual(['someone']);
      await proxy.up();
      await waitFor(() => heard.length > 0, 5000);
      expect(heard).toEqual(['someone']);
    } finally {
      stop();
    }
  });

  it('sends news late without the details it carried (two carried updates: one wakeup)', async () => {
    const heard: string[] = [];
    const stop = await other.listen('bot:y', (m) => heard.push(m));
    try {
      await unplugPublisher();
      await bus.publish([
        ['bot:y', `update${DETAIL}first${DETAIL}{"a":"x@1"}@1700000000000`],
        ['bot:y', `update${DETAIL}second${DETAIL}{}@1700000000001`],
      ]);
      await proxy.up();
      await waitFor(() => heard.length > 0, 5000);
      await sleep(200);
      expect(heard).toEqual(['update@1700000000001']);
    } finally {
      stop();
    }
  });
});
