// Soak (not in CI): SOAK_BOTS bots (1,000), SOAK_RATE messages/s (300) for SOAK_SECONDS (60)
// through the messenger API; half the bots long-poll with offsets, half take webhooks.
// Reports lost updates, duplicates, 5xx answers and the processes' memory growth.
// Run: npx tsx scripts/bench/soak.ts   (builds first; starts its own api + worker processes)
import { execSync } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { call, makeFixture, must, pool, type Fixture } from './client';
import { createBenchEnv, startServer } from './env';
import { rssMb } from './idle';

const BOTS = Number(process.env.SOAK_BOTS ?? 1000);
const RATE = Number(process.env.SOAK_RATE ?? 300);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const DRAIN_S = 30;

type Bot = Fixture['bots'][number];

/** content "<botIndex>:<seq>" → how many times it arrived, per delivery path. */
const seen = new Map<string, number>();
const note = (content: unknown) => {
  if (typeof content === 'string') seen.set(content, (seen.get(content) ?? 0) + 1);
};

async function receiver() {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      note(
        (JSON.parse(Buffer.concat(chunks).toString()) as { payload?: { content?: string } }).payload
          ?.content,
      );
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

function poller(base: string, bot: Bot, until: () => boolean) {
  return (async () => {
    let offset = 1;
    while (!until()) {
      const r = await call<{ updates: { update_id: number; payload: { content: string } }[] }>(
        `${base}/api/v1/bot/updates?offset=${offset}&timeout=5`,
        { headers: { 'x-bot-token': bot.apiKey } },
      ).catch(() => undefined);
      if (!r || r.status !== 200) {
        await new Promise((res) => setTimeout(res, 200));
        continue;
      }
      for (const u of r.body.updates) {
        note(u.payload.content);
        offset = u.update_id + 1;
      }
    }
  })();
}

async function main() {
  execSync('npm run build', { cwd: PROJECT_ROOT, stdio: 'ignore' });
  const env = await createBenchEnv({ DATABASE_POOL_SIZE: '30' });
  const api = await startServer(env.env, 'api');
  const worker = await startServer(env.env, 'worker');
  const hook = await receiver();
  let done = false;
  try {
    console.log(`setting up ${BOTS} bots…`);
    const fx = await makeFixture(api.url, BOTS);
    const webhookBots = fx.bots.slice(0, BOTS / 2);
    const pollingBots = fx.bots.slice(BOTS / 2);
    await pool(webhookBots, 20, async (b) => {
      await must(`${api.url}/api/v1/bot/webhook`, {
        method: 'PUT',
        headers: { 'x-bot-token': b.apiKey },
        body: { url: hook.url },
      });
    });
    const pollers = pollingBots.map((b) => poller(api.url, b, () => done));
    await new Promise((r) => setTimeout(r, 2000));
    const rss0 = { api: rssMb(api.child.pid!), worker: rssMb(worker.child.pid!) };

    console.log(`sending ${RATE}/s for ${SECONDS}s…`);
    const auth = { authorization: `Bearer ${fx.user.token}` };
    const sent: string[] = [];
    const statuses = new Map<number, number>();
    const inFlight = new Set<Promise<void>>();
    const t0 = performance.now();
    // RSS every 20 s while sending: warm-up levels off, a leak keeps climbing.
    const rssTimeline: { s: number; api: number; worker: number }[] = [];
    const sampler = setInterval(() => {
      const s = Math.round((performance.now() - t0) / 1000);
      rssTimeline.push({ s, api: rssMb(api.child.pid!), worker: rssMb(worker.child.pid!) });
    }, 20_000);
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const idx = Math.floor(Math.random() * BOTS);
      const content = `${idx}:${i}`;
      const p = call(`${api.url}/api/v1/chats/${fx.bots[idx]!.chatId}/messages`, {
        headers: auth,
        body: { content },
      })
        .then((r) => {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 201) sent.push(content);
        })
        .catch(() => {
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    clearInterval(sampler);
    const sendSeconds = (performance.now() - t0) / 1000;

    const drainEnd = Date.now() + DRAIN_S * 1000;
    while (Date.now() < drainEnd && sent.some((c) => !seen.has(c)))
      await new Promise((r) => setTimeout(r, 250));
    const rss1 = { api: rssMb(api.child.pid!), worker: rssMb(worker.child.pid!) };
    done = true;

    const lost = sent.filter((c) => !seen.has(c)).length;
    const duplicates = [...seen.values()].reduce((n, k) => n + (k - 1), 0);
    const fiveXx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, k]) => n + k, 0);
    const report = {
      bots: BOTS,
      rate_per_s: RATE,
      seconds: SECONDS,
      achieved_rate_per_s: Math.round(sent.length / sendSeconds),
      accepted: sent.length,
      statuses: Object.fromEntries(statuses),
      lost,
      duplicates,
      five_xx: fiveXx,
      rss_mb_before: rss0,
      rss_mb_after: rss1,
      rss_mb_while_sending: rssTimeline.map((r) => `${r.s}s api ${r.api} worker ${r.worker}`),
    };
    console.log(JSON.stringify(report, null, 2));
    await Promise.race([Promise.all(pollers), new Promise((r) => setTimeout(r, 7000))]);
  } finally {
    done = true;
    hook.server.closeAllConnections();
    hook.server.close();
    await api.stop();
    await worker.stop();
    await env.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
