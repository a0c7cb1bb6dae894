// Webhook delivery: (1) throughput of one worker process draining a backlog spread over 50
// bots to a local receiver; (2) latency from a message being accepted (the POST's response,
// by which time the delivery job is enqueued) to its delivery arriving at the receiver.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { makeFixture, must, pool } from './client';
import { snapshot, type CpuShare } from './cpu';
import { startServer } from './env';
import { summarize } from './stats';

interface Arrival {
  updateUuid: string;
  at: number;
}

async function startReceiver(onArrival: (a: Arrival) => void) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      onArrival({ updateUuid: String(req.headers['webhook-id']), at: performance.now() });
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

/** The stored record of a backlog message (see domain/messages/message.ts), id and text aside. */
const backlogMessage = {
  chatId: '00000000-0000-4000-8000-000000000000',
  chatType: 'private',
  chatTgId: 1_000_000_000,
  sender: {
    id: '00000000-0000-4000-8000-000000000001',
    username: 'backlog',
    displayName: 'Backlog',
    isBot: false,
    tgId: 1_000_000_001,
  },
  payload: {},
  replyToId: null,
  forwardFrom: null,
  createdAt: new Date(0).toISOString(),
  editedAt: null,
  media: null,
  poll: null,
  reactions: [],
};

/** Pending updates written straight into the log, as fan-out would have left them. */
async function seedBacklog(databaseUrl: string, botIds: string[], perBot: number) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(
    `INSERT INTO updates (id, bot_id, update_id, type, payload, created_at)
     SELECT gen_random_uuid(), b, n, 'message', jsonb_build_object(
              'message', $3::jsonb || jsonb_build_object('id', gen_random_uuid(),
                'content', 'backlog ' || n, 'number', n),
              'command', null, 'inlineMedia', null), now()
       FROM unnest($1::uuid[]) AS b, generate_series(1, $2::int) AS n`,
    [botIds, perBot, JSON.stringify(backlogMessage)],
  );
  await db.query(
    `INSERT INTO bot_inboxes (bot_id, last_update_id) SELECT unnest($1::uuid[]), $2
     ON CONFLICT (bot_id) DO UPDATE SET last_update_id = EXCLUDED.last_update_id`,
    [botIds, perBot],
  );
  await db.end();
}

export async function webhookBench(env: Record<string, string>, databaseUrl: string) {
  const arrivals: Arrival[] = [];
  let onArrival: (a: Arrival) => void = (a) => {
    arrivals.push(a);
  };
  const receiver = await startReceiver((a) => onArrival(a));
  const api = await startServer(env, 'api');
  try {
    const fx = await makeFixture(api.url, 50);
    await pool(fx.bots, 10, async (b) => {
      await must(`${api.url}/api/v1/bot/webhook`, {
        method: 'PUT',
        headers: { 'x-bot-token': b.apiKey },
        body: { url: receiver.url },
      });
    });
    const perBot = 200;
    await seedBacklog(
      databaseUrl,
      fx.bots.map((b) => b.id),
      perBot,
    );
    const total = fx.bots.length * perBot;

    const worker = await startServer(env, 'worker');
    // The worker's sweep finds the backlog; time from the first to the last arrival, and CPU
    // per delivery by process over the same span (sampled every 5 ms, so its edges blur a little).
    const deadline = Date.now() + 120_000;
    let first: { cpu: CpuShare; count: number } | undefined;
    while (arrivals.length < total && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, first ? 50 : 5));
      if (!first && arrivals.length > 0)
        first = { cpu: snapshot(worker.child.pid!), count: arrivals.length };
    }
    const last = snapshot(worker.child.pid!);
    const span = (arrivals[arrivals.length - 1]!.at - arrivals[0]!.at) / 1000;
    const perSecond = Math.round((arrivals.length - 1) / span);
    const counted = arrivals.length - (first?.count ?? 0);
    const cpuMs = (k: keyof CpuShare) =>
      Math.round(((last[k] - (first?.cpu[k] ?? 0)) / counted) * 1e6) / 1e3;

    // Latency, with the worker idle: one message at a time.
    const auth = { authorization: `Bearer ${fx.user.token}` };
    const latencies: number[] = [];
    for (let i = 0; i < 300; i++) {
      const bot = fx.bots[i % fx.bots.length]!;
      const arrived = new Promise<number>((resolve) => {
        onArrival = (a) => resolve(a.at);
      });
      await must(`${api.url}/api/v1/chats/${bot.chatId}/messages`, {
        headers: auth,
        body: { content: `lat ${i}` },
      });
      const accepted = performance.now();
      latencies.push((await arrived) - accepted);
    }
    await worker.stop();
    return {
      deliveries: arrivals.length,
      expected: total,
      per_second: perSecond,
      cpu_ms_worker: cpuMs('server'),
      cpu_ms_postgres: cpuMs('postgres'),
      cpu_ms_redis: cpuMs('redis'),
      cpu_ms_bench: cpuMs('load_generator'),
      ...summarize(latencies),
    };
  } finally {
    await api.stop();
    receiver.server.closeAllConnections();
    receiver.server.close();
  }
}
