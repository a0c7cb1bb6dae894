// Prometheus metrics: a scripted run through every API (a parked poll woken by a message, a
// gateway call, a rate-limited bot, a webhook delivery), then GET /metrics on METRICS_PORT.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { loadConfig } from '../../src/config';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { createTestEnv, platformFor } from '../support/platform';
import { bearer, botAuth, registerBot, say, userBotChat } from '../support/fixtures';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/processes';

let platform: Platform;
let drop: () => Promise<void>;
let api: string;
let gateway: string;
let metricsUrl: string;
let metricsPort: number;
let receiver: Receiver;

beforeAll(async () => {
  const e = await createTestEnv({ RATE_LIMIT_PER_BOT: '5' });
  drop = e.drop;
  // METRICS_HOST left unset: the default binding is under test.
  platform = platformFor({ ...e.env, METRICS_HOST: undefined });
  const bound = await platform.start();
  api = `http://127.0.0.1:${bound.port}`;
  gateway = `http://127.0.0.1:${bound.gatewayPort}`;
  metricsPort = bound.metricsPort;
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  receiver = await Receiver.start();
});

afterAll(async () => {
  await receiver.close();
  await platform.stop();
  await drop();
});

const scrape = async () => (await fetch(metricsUrl)).text();

/** The value of one series, e.g. `quanta_parked_polls` or `x{a="b"}`; undefined if absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('answers in Prometheus text format with every platform metric after a scripted run', async () => {
    const http = supertest(api);
    const { user, bot, chatId } = await userBotChat(http);

    // A poll parks; a person's message wakes it.
    const poll = fetch(`${api}/api/v1/bot/updates?timeout=20`, { headers: botAuth(bot) });
    await waitFor(async () => value(await scrape(), 'quanta_parked_polls') === 1, 5000);
    await say(http, user, chatId, 'hello');
    const answered = (await (await poll).json()) as { updates: unknown[] };
    expect(answered.updates).toHaveLength(1);

    // The gateway, by method name; the token in its path must not reach a label.
    const me = await fetch(`${gateway}/bot${bot.telegramToken}/getMe`);
    expect(me.status).toBe(200);

    // Over the per-bot limit (5/s): some 429s.
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`${api}/api/v1/bot/me`, { headers: botAuth(bot) }).then((r) => r.status),
      ),
    );
    expect(statuses).toContain(429);

    // A webhook delivery.
    const hooked = await registerBot(http, user);
    await http.put('/api/v1/bot/webhook').set(botAuth(hooked)).send({ url: receiver.url });
    const chat = await http.post('/api/v1/chats').set(bearer(user)).send({ bot_id: hooked.id });
    await say(http, user, chat.body.chat.id as string, 'to the hook');
    await receiver.waitFor(1);
    await waitFor(
      async () =>
        value(await scrape(), 'quanta_webhook_deliveries_total{result="delivered"}') === 1,
      5000,
    );

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'http_request_duration_seconds',
      'quanta_parked_polls',
      'quanta_wake_latency_seconds',
      'quanta_updates_written_total',
      'quanta_webhook_deliveries_total',
      'quanta_webhook_delivery_duration_seconds',
      'quanta_webhook_queue_depth',
      'quanta_rate_limited_total',
      'quanta_cache_hits_total',
      'quanta_cache_misses_total',
      'quanta_pg_pool_waiting_clients',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const counted = (series: string) => value(text, series) ?? 0;
    // Route patterns, never raw paths: one series per route whatever the ids.
    expect(
      counted(
        'http_request_duration_seconds_count{surface="quanta",route="/api/v1/bot/updates",method="GET",status="200"}',
      ),
    ).toBe(1);
    expect(
      counted(
        'http_request_duration_seconds_count{surface="messenger",route="/api/v1/chats/:chat_id/messages",method="POST",status="201"}',
      ),
    ).toBe(2);
    expect(
      counted(
        'http_request_duration_seconds_count{surface="gateway",route="getMe",method="GET",status="200"}',
      ),
    ).toBe(1);
    expect(
      counted(
        'http_request_duration_seconds_count{surface="quanta",route="unmatched",method="GET",status="429"}',
      ),
    ).toBe(statuses.filter((s) => s === 429).length);
    // Every series the Grafana dashboard charts is one this process serves.
    const dashboard = readFileSync(
      path.join(PROJECT_ROOT, 'deploy/grafana/dashboards/quanta.json'),
      'utf8',
    );
    const charted = new Set(dashboard.match(/\b(?:http|quanta|process|nodejs)_[a-z0-9_]+/g));
    expect(charted.size).toBeGreaterThan(10);
    for (const name of charted) expect(text).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    expect(text).not.toContain(chatId);
    expect(text).not.toContain(bot.telegramToken.split(':')[1]);

    expect(counted('quanta_wake_latency_seconds_count')).toBe(1);
    expect(counted('quanta_wake_latency_seconds_sum')).toBeLessThan(1);
    expect(counted('quanta_parked_polls')).toBe(0);
    expect(counted('quanta_updates_written_total')).toBe(2);
    expect(counted('quanta_rate_limited_total{surface="quanta"}')).toBe(
      statuses.filter((s) => s === 429).length,
    );
    expect(counted('quanta_webhook_delivery_duration_seconds_count')).toBe(1);
    expect(counted('quanta_cache_hits_total{cache="bot_auth"}')).toBeGreaterThan(0);
    expect(counted('quanta_cache_misses_total{cache="bot_auth"}')).toBeGreaterThan(0);
    expect(counted('quanta_cache_misses_total{cache="quiet_inbox"}')).toBe(1);
    expect(value(text, 'quanta_webhook_queue_depth')).toBe(0);
    expect(value(text, 'quanta_pg_pool_waiting_clients')).toBe(0);
  });

  it('listens on 127.0.0.1 only by default, and nothing but GET /metrics', async () => {
    const secrets = {
      JWT_SECRET: randomBytes(32).toString('base64url'),
      MASTER_KEY: randomBytes(32).toString('base64'),
    };
    expect(loadConfig(secrets)).toMatchObject({
      METRICS_PORT: 9464,
      METRICS_HOST: '127.0.0.1',
    });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) return; // a machine with loopback only: nothing else to refuse
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(metricsPort, external.address);
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
