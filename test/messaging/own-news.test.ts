// News is heard in the process that publishes it at once (a poll parked there answers without
// waiting for Redis to send the wakeup back), and its echo from Redis is dropped: each
// listener hears each wakeup once. Other processes hear it through Redis, as before.
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { botChannel } from '../../src/domain/messages/fanout';
import { createLogger } from '../../src/infra/logger';
import { createRedis, type Redis } from '../../src/infra/redis';
import { PRESENCE_PREFIX, WakeupBus } from '../../src/realtime/wakeup-bus';
import { useTwoPlatforms } from '../support/platform';
import { parkedPoll } from '../support/parked-poll';
import { bearer, registerBot, registerUser, say } from '../support/fixtures';
import { sleep, waitFor } from '../support/processes';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Long enough for Redis to have sent an echo back. */
const ECHO_MS = 200;

describe('own news on the wakeup bus', () => {
  const conns: Redis[] = [];
  let here: WakeupBus;
  let there: WakeupBus;

  function bus(prefix: string): WakeupBus {
    const sub = createRedis(redisUrl);
    const pub = createRedis(redisUrl);
    conns.push(sub, pub);
    return new WakeupBus(sub, pub, prefix, createLogger({ LOG_LEVEL: 'silent' }));
  }

  beforeAll(() => {
    const prefix = `test:${randomBytes(4).toString('hex')}:`;
    here = bus(prefix);
    there = bus(prefix);
  });

  afterAll(() => {
    here.close();
    there.close();
    for (const c of conns) c.disconnect();
  });

  async function hear(b: WakeupBus, name: string): Promise<[string[], () => void]> {
    const heard: string[] = [];
    return [heard, await b.listen(name, (m) => heard.push(m))];
  }

  it('is heard once in its own process, before publish returns, and once in another', async () => {
    const [mine, stopMine] = await hear(here, 'bot:one');
    const [theirs, stopTheirs] = await hear(there, 'bot:one');
    const sent = here.publish([['bot:one', 'update@1']]);
    expect(mine).toEqual(['update@1']);
    await sent;
    await sleep(ECHO_MS);
    expect(mine).toEqual(['update@1']);
    expect(theirs).toEqual(['update@1']);
    stopMine();
    stopTheirs();
  });

  it("moves the channel's news version once, not again when the echo comes", async () => {
    const [, stop] = await hear(here, 'bot:version');
    const before = here.newsVersion('bot:version');
    await here.publish([['bot:version', 'update@2']]);
    const after = here.newsVersion('bot:version');
    expect(after).not.toBe(before);
    await sleep(ECHO_MS);
    expect(here.newsVersion('bot:version')).toBe(after);
    // News from another process still moves it.
    await there.publish([['bot:version', 'update@2']]);
    await waitFor(() => here.newsVersion('bot:version') !== after);
    stop();
  });

  it('hears the same message from another process, and its own again', async () => {
    const [mine, stop] = await hear(here, 'user:same');
    await here.publish([['user:same', 'event']]);
    await there.publish([['user:same', 'event']]);
    await here.publish([['user:same', 'event']]);
    await waitFor(() => mine.length >= 3);
    await sleep(ECHO_MS);
    expect(mine).toEqual(['event', 'event', 'event']);
    stop();
  });

  // What lets a logout or a membership change answered by one process hold in the other's
  // very next request. A plain publish resolved before the other bus had heard in about a
  // third of tries here.
  it('announced news is heard in another process before announce resolves', async () => {
    const [theirs, stop] = await hear(there, 'users:changed');
    try {
      for (let i = 0; i < 300; i++) {
        await here.announce([['users:changed', `user${i}`]]);
        expect(theirs).toHaveLength(i + 1);
      }
    } finally {
      stop();
    }
  });

  it('sends presence through Redis only (its order is the order Redis gives)', async () => {
    const [mine, stop] = await hear(here, 'bot:presence');
    const sent = here.publish([['bot:presence', '~takeover:x']]);
    expect(mine).toEqual([]);
    await sent;
    await waitFor(() => mine.length > 0);
    await sleep(ECHO_MS);
    expect(mine).toEqual(['~takeover:x']);
    stop();
  });
});

describe("a user's send and parked polls in two api processes", () => {
  const two = useTwoPlatforms();
  let a: Platform;
  let b: Platform;
  let httpA: ReturnType<typeof supertest>;
  let httpB: ReturnType<typeof supertest>;
  beforeAll(() => ({ a, b, httpA, httpB } = two.current));

  afterEach(() => jest.restoreAllMocks());

  it('wakes a poll in the sending process once, and one in the other process', async () => {
    const owner = await registerUser(httpA);
    const perms = { permissions: ['read_messages', 'send_messages'] };
    const near = await registerBot(httpA, owner, perms);
    const far = await registerBot(httpA, owner, perms);
    const chat = await httpA
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Two bots', member_ids: [] })
      .expect(201);
    const chatId = chat.body.chat.id as string;
    for (const bot of [near, far]) {
      await httpA
        .post(`/api/v1/chats/${chatId}/members`)
        .set(bearer(owner))
        .send({ bot_id: bot.id })
        .expect(200);
    }
    // Everything A's bus delivers on the near bot's channel, for as long as the test runs.
    const delivered: string[] = [];
    const stop = await a.bus.listen(botChannel(near.id), (m) => {
      if (!m.startsWith(PRESENCE_PREFIX)) delivered.push(m); // news only, not polls' takeovers
    });
    const nearPoll = await parkedPoll(a, httpA, near, 'offset=1');
    const farPoll = await parkedPoll(b, httpB, far, 'offset=1');

    await say(httpA, owner, chatId, 'hello both');
    const [nearRes, farRes] = await Promise.all([nearPoll.answer, farPoll.answer]);
    for (const res of [nearRes, farRes]) {
      expect(res.status).toBe(200);
      const updates = res.body.updates as { update_id: number; payload: { content: string } }[];
      expect(updates.map((u) => [u.update_id, u.payload.content])).toEqual([[1, 'hello both']]);
    }
    // Answered from the wakeup it carried: no read after the empty one.
    expect(nearPoll.reads).toHaveBeenCalledTimes(1);
    await sleep(ECHO_MS);
    expect(delivered).toHaveLength(1); // not again when Redis sent it back
    stop();
  });
});
