// A drain whose per-bot lock is lost mid-drain (expired, or taken by another holder) stops
// before its next delivery, so two drainers never deliver for one bot at the same time.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { botLockKey, withBotLock } from '../../src/worker/webhooks/bot-lock';
import type { Drainer } from '../../src/worker/webhooks/drain';
import { WebhookSender } from '../../src/worker/webhooks/sender';
import { handDrainer } from '../support/drainer';
import { useTestPlatform } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';
import { waitFor } from '../support/processes';

const t = useTestPlatform();

/** An endpoint that holds its first request until `release()`, and counts overlaps. */
async function gatedEndpoint() {
  const seen: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(JSON.parse(Buffer.concat(chunks).toString('utf8')).update_id);
      void (seen.length === 1 ? gate : Promise.resolve()).then(() => {
        inFlight--;
        res.writeHead(200).end('ok');
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    seen,
    maxInFlight: () => maxInFlight,
    release,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('the per-bot webhook lock', () => {
  it.each([
    ['expires', 'del'],
    ['is taken by another holder', 'steal'],
  ] as const)(
    'when it %s mid-drain, the drain stops before its next delivery; another drainer goes on',
    async (_what, how) => {
      const { http: api, platform } = t.current;
      const warnings: { msg: string }[] = [];
      const log = pino(
        { level: 'warn' },
        { write: (line: string) => warnings.push(JSON.parse(line)) },
      );
      const endpoint = await gatedEndpoint();
      const sender = new WebhookSender(true, 5000);
      const drainer = handDrainer(platform, { sender, log });
      try {
        const { user, bot, chatId } = await userBotChat(api);
        await api
          .put('/api/v1/bot/webhook')
          .set(botAuth(bot))
          .send({ url: endpoint.url })
          .expect(200);
        for (const text of ['one', 'two', 'three']) await say(api, user, chatId, text);
        const drain = (lock: Parameters<Drainer['drain']>[1]) => drainer.drain(bot.id, lock);

        const first = withBotLock(platform.redis, log, bot.id, drain);
        await waitFor(() => endpoint.seen.length === 1, 5000);
        if (how === 'del') await platform.redis.del(botLockKey(bot.id));
        else await platform.redis.set(botLockKey(bot.id), 'another-drainer', 'PX', 10_000);
        endpoint.release();

        expect(await first).toBe('lost');
        expect(endpoint.seen).toEqual([1]);
        expect(warnings.map((w) => w.msg)).toContain('drain stopped: webhook lock lost');

        // The other holder finishes (or its lock expires); the next drainer delivers the rest.
        if (how === 'steal') await platform.redis.del(botLockKey(bot.id));
        expect(await withBotLock(platform.redis, log, bot.id, drain)).toBe('done');
        expect(endpoint.seen).toEqual([1, 2, 3]);
        expect(endpoint.maxInFlight()).toBe(1);
      } finally {
        endpoint.close();
        sender.close();
      }
    },
    20_000,
  );

  it('a second drainer finds the lock busy while the first holds it', async () => {
    const { platform } = t.current;
    const log = pino({ level: 'silent' });
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let leave!: () => void;
    const held = withBotLock(platform.redis, log, 'bot-x', async () => {
      inside();
      await new Promise<void>((resolve) => (leave = resolve));
    });
    await entered;
    expect(await withBotLock(platform.redis, log, 'bot-x', async () => {})).toBe('busy');
    leave();
    expect(await held).toBe('done');
    expect(await withBotLock(platform.redis, log, 'bot-x', async () => {})).toBe('done');
  });
});
