// Every Prometheus metric of the platform, defined here and nowhere else. Hot paths only bump
// counters and histograms (children bound once where the labels are fixed); anything that
// needs a query (queue depth, pool waiters) is read when Prometheus scrapes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Which API a request spoke. */
export type Surface = 'messenger' | 'quanta' | 'gateway';

/** The process's registry: api and worker roles of one process share it. */
export const registry = new Registry();
let defaultsOn = false;

const registers = [registry];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by API surface, route pattern (or gateway method), method and status; long polls included',
  labelNames: ['surface', 'route', 'method', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers,
});

export const parkedPolls = new Gauge({
  name: 'quanta_parked_polls',
  help: 'Bot long polls (both dialects) currently waiting in this process',
  registers,
});

export const wakeLatency = new Histogram({
  name: 'quanta_wake_latency_seconds',
  help: 'From publishing a wakeup for new updates to the parked poll it woke answering',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers,
});

export const updatesWritten = new Counter({
  name: 'quanta_updates_written_total',
  help: 'Bot updates written by fan-out',
  registers,
});

export const fanoutBatchSize = new Histogram({
  name: 'quanta_fanout_batch_size',
  help: 'Messages written by one group-commit statement',
  buckets: [1, 2, 4, 8, 16, 32, 64],
  registers,
});

export const recipientReadBatchSize = new Histogram({
  name: 'quanta_recipient_read_batch_size',
  help: "Chats whose members one shared read fetched (each send's membership check)",
  buckets: [1, 2, 4, 8, 16, 32, 64],
  registers,
});

export const batchesSplit = new Counter({
  name: 'quanta_fanout_batches_split_total',
  help: 'Group-commit batches whose statement failed, then written one message at a time',
  registers,
});

export const webhookDeliveries = new Counter({
  name: 'quanta_webhook_deliveries_total',
  help: 'Webhook delivery attempts by result: delivered, retry, gone (410: webhook removed), given_up (after the last retry)',
  labelNames: ['result'] as const,
  registers,
});

export const webhookDeliveryDuration = new Histogram({
  name: 'quanta_webhook_delivery_duration_seconds',
  help: 'Time of one webhook POST, connect to response end (or failure)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers,
});

export const rateLimited = new Counter({
  name: 'quanta_rate_limited_total',
  help: 'Bot requests refused with 429 by the per-bot rate limit',
  labelNames: ['surface'] as const,
  registers,
});

const cacheHits = new Counter({
  name: 'quanta_cache_hits_total',
  help: 'In-process cache lookups answered from the cache (bot_auth: bot keys; user_auth: people behind JWTs; chat_audience: the members of chats sent to; quiet_inbox: polls parked without a query)',
  labelNames: ['cache'] as const,
  registers,
});

const cacheMisses = new Counter({
  name: 'quanta_cache_misses_total',
  help: 'In-process cache lookups that went to Postgres',
  labelNames: ['cache'] as const,
  registers,
});

/** Bound once: a lookup costs an increment, no label hashing. */
export const cache = {
  botAuth: { hit: cacheHits.labels('bot_auth'), miss: cacheMisses.labels('bot_auth') },
  userAuth: { hit: cacheHits.labels('user_auth'), miss: cacheMisses.labels('user_auth') },
  chatAudience: {
    hit: cacheHits.labels('chat_audience'),
    miss: cacheMisses.labels('chat_audience'),
  },
  quietInbox: { hit: cacheHits.labels('quiet_inbox'), miss: cacheMisses.labels('quiet_inbox') },
};

/** What the scrape-time gauges read; each platform adds its own and removes them on stop. */
const pools = new Set<{ waitingCount: number }>();
const queues = new Set<() => Promise<number>>();

new Gauge({
  name: 'quanta_pg_pool_waiting_clients',
  help: 'Queries waiting for a free connection in the pg pool',
  registers,
  collect() {
    let n = 0;
    for (const pool of pools) n += pool.waitingCount;
    this.set(n);
  },
});

new Gauge({
  name: 'quanta_webhook_queue_depth',
  help: 'Webhook drain jobs waiting or delayed (retries) in the queue',
  registers,
  async collect() {
    let n = 0;
    for (const depth of queues) n += await depth().catch(() => 0);
    this.set(n);
  },
});

/** Report a pg pool's waiting clients until the returned function is called. */
export function watchPool(pool: { waitingCount: number }): () => void {
  pools.add(pool);
  return () => pools.delete(pool);
}

/** Report a queue's depth (read at scrape time) until the returned function is called. */
export function watchQueue(depth: () => Promise<number>): () => void {
  queues.add(depth);
  return () => queues.delete(depth);
}

/**
 * Serve `GET /metrics` on its own listener (METRICS_PORT, METRICS_HOST), apart from the API
 * so it is not exposed wherever the API is. Also turns on the default process/Node metrics.
 */
export async function startMetricsServer(
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  if (!defaultsOn) {
    collectDefaultMetrics({ register: registry });
    defaultsOn = true;
  }
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
