// A delivered update's attempt is recorded while the next one is sent; the drain still ends
// only once every attempt is committed, and no other step runs ahead of the records before it.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { withBotLock } from '../../src/worker/webhooks/bot-lock';
import { WebhookSender } from '../../src/worker/webhooks/sender';
import type { Sql } from '../../src/infra/db/prisma';
import { handDrainer } from '../support/drainer';
import { useTestPlatform } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';

const t = useTestPlatform();

/** An endpoint answering the given statuses in turn (200 once they run out). */
async function endpoint(statuses: number[]) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(statuses.shift() ?? 200).end('ok'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The platform's pool, with each attempt statement held back a while: records lag sends. */
function slowRecords(pool: Sql): Sql {
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
      return async (config: { name?: string }) => {
        if (config.name === 'webhook-attempts') await new Promise((r) => setTimeout(r, 300));
        return target.query(config as Parameters<Sql['query']>[0]);
      };
    },
  });
}

async function drainOnce(statuses: number[], messages: number) {
  const { http: api, platform } = t.current;
  const target = await endpoint(statuses);
  const sender = new WebhookSender(true, 5000);
  const log = pino({ level: 'silent' });
  const drainer = handDrainer(platform, { sender, log, sql: slowRecords(platform.sql) });
  try {
    const { user, bot, chatId } = await userBotChat(api);
    await api.put('/api/v1/bot/webhook').set(botAuth(bot)).send({ url: target.url }).expect(200);
    for (let i = 0; i < messages; i++) await say(api, user, chatId, `m${i}`);
    expect(await withBotLock(platform.redis, log, bot.id, (l) => drainer.drain(bot.id, l))).toBe(
      'done',
    );
    // Read at once: the drain has returned, so whatever it sent is recorded.
    const { rows } = await platform.sql.query<{ acked: string; attempts: string }>(
      `SELECT i.acked_update_id::text AS acked,
              (SELECT count(*) FROM webhook_attempts a WHERE a.bot_id = i.bot_id)::text AS attempts
         FROM bot_inboxes i WHERE i.bot_id = $1`,
      [bot.id],
    );
    const hooked = await platform.sql.query('SELECT 1 FROM webhooks WHERE bot_id = $1', [bot.id]);
    return { ...rows[0]!, webhookSet: hooked.rowCount === 1 };
  } finally {
    target.close();
    sender.close();
  }
}

describe('recording while delivering', () => {
  it('a drain returns only once every delivered update is recorded and acknowledged', async () => {
    expect(await drainOnce([], 5)).toEqual({ acked: '5', attempts: '5', webhookSet: true });
  });

  it('updates delivered before a 410 are acknowledged before the webhook is removed', async () => {
    expect(await drainOnce([200, 200, 410], 4)).toEqual({
      acked: '2',
      attempts: '3',
      webhookSet: false,
    });
  });
});
