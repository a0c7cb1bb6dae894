// Composition root: config → clients → services → listeners and workers. Both entry points
// (main.ts, and the tests/benchmarks) build the platform here and nowhere else.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from './config';
import { createDatabase } from './infra/db/prisma';
import { createLogger, type Logger } from './infra/logger';
import { connectRedis } from './infra/redis';
import { WakeupBus } from './realtime/wakeup-bus';
import { createApiApp } from './http/app';
import { createAppServer } from './http/server';
import { EdgeLimits } from './http/edge-limits';
import { createGatewayApp } from './http/gateway/app';
import { createServices, type Infra, type Services } from './services';
import { startMaintenance } from './worker/maintenance';
import { WebhookQueue } from './worker/webhooks/queue';
import { startWebhookDelivery } from './worker/webhooks/start';
import { startBotKoto } from './worker/botkoto';
import { quantaDelivery } from './http/quanta/delivery';
import { gatewayDelivery } from './http/gateway/delivery';
import { createBotRateLimiter } from './http/rate-limit';
import { startCacheAudit } from './domain/cache-audit';
import { startMetricsServer, watchPool, watchQueue } from './infra/metrics';

export interface Platform extends Infra {
  services: Services;
  /** Per-process bounds on large bodies and parked polls, shared by both listeners. */
  limits: EdgeLimits;
  api: Express;
  /** The gateway dialect, served at the root of GATEWAY_PORT. */
  gateway: Express;
  /** Start the listeners and workers the role asks for; resolves with the bound ports. */
  start(): Promise<{ port?: number; gatewayPort?: number; metricsPort: number }>;
  /** Stop accepting, release parked polls, finish in-flight work (bounded), close clients. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  log?: Logger;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function createInfra(
  config: Config,
  log: Logger,
): { infra: Infra; webhookQueue: WebhookQueue; closeRedis: () => void } {
  const { db, sql } = createDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE, log, {
    statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    queryMs: config.DATABASE_QUERY_TIMEOUT_MS,
  });
  const redis = connectRedis(config, { keyPrefix: config.REDIS_PREFIX });
  // Pub/sub channels are prefixed by the bus itself (ioredis keyPrefix does not cover them).
  const sub = connectRedis(config, { sharded: true });
  const pub = connectRedis(config);
  for (const [name, conn] of [
    ['redis', redis],
    ['redis-sub', sub],
    ['redis-pub', pub],
  ] as const) {
    conn.on('error', (err: Error) => log.warn({ err: err.message, conn: name }, 'redis error'));
  }
  const bus = new WakeupBus(sub, pub, config.REDIS_PREFIX, log);
  const webhookQueue = new WebhookQueue(config);
  // Without a listener BullMQ prints each connection error raw on stderr (Redis outages).
  webhookQueue.queue.on('error', (err: Error) =>
    log.warn({ err: err.message, conn: 'webhook-queue' }, 'redis error'),
  );
  const closeRedis = () => [redis, sub, pub].forEach((c) => c.disconnect());
  return {
    infra: { config, log, db, sql, redis, bus, deliveryScheduler: webhookQueue },
    webhookQueue,
    closeRedis,
  };
}

export function createPlatform(config: Config, opts: PlatformOptions = {}): Platform {
  const log = opts.log ?? createLogger(config);
  const { infra, webhookQueue, closeRedis } = createInfra(config, log);
  const services = createServices(infra);
  const shutdown = new AbortController();
  // One set of edge limits for both listeners: the bounds are per process.
  const limits = new EdgeLimits(config);
  const api = createApiApp(infra, services, shutdown.signal, limits);
  const gateway = createGatewayApp(infra, services, shutdown.signal, limits);
  const servers: Server[] = [];
  const stoppers: (() => Promise<void>)[] = [];

  return {
    ...infra,
    services,
    limits,
    api,
    gateway,
    async start() {
      // Without metrics, port 0 says nothing listens.
      const metrics = config.METRICS_ENABLED
        ? await startMetricsServer(config.METRICS_PORT, config.METRICS_HOST)
        : { server: undefined, port: 0 };
      if (metrics.server) {
        servers.push(metrics.server);
        log.info({ port: metrics.port, host: config.METRICS_HOST }, 'metrics listening');
      }
      const unwatch = [
        watchPool(infra.sql),
        watchQueue(() => webhookQueue.queue.getJobCountByTypes('wait', 'delayed', 'prioritized')),
      ];
      stoppers.push(() => Promise.resolve(unwatch.forEach((stop) => stop())));
      const bound: { port?: number; gatewayPort?: number; metricsPort: number } = {
        metricsPort: metrics.port,
      };
      if (config.ROLE !== 'api') {
        stoppers.push(await startMaintenance(infra));
        // Gateway-set webhooks POST Telegram-shaped updates and may answer with a method call.
        const dialects = {
          quanta: quantaDelivery(services.boxes),
          gateway: gatewayDelivery(
            services,
            createBotRateLimiter(infra.redis, config.RATE_LIMIT_PER_BOT),
            shutdown.signal,
          ),
        };
        stoppers.push(startWebhookDelivery(infra, services, webhookQueue, dialects));
        stoppers.push(await startBotKoto(infra, services));
      }
      if (config.ROLE !== 'worker') {
        stoppers.push(startCacheAudit(services, log, config.CACHE_AUDIT_MS));
        const server = createAppServer(api);
        servers.push(server);
        bound.port = await listen(server, config.PORT, config.HOST);
        log.info({ port: bound.port, role: config.ROLE }, 'api listening');
        const gatewayServer = createAppServer(gateway);
        servers.push(gatewayServer);
        bound.gatewayPort = await listen(gatewayServer, config.GATEWAY_PORT, config.HOST);
        log.info({ port: bound.gatewayPort }, 'gateway listening');
      }
      return bound;
    },
    async stop() {
      shutdown.abort();
      await Promise.all(servers.map((s) => close(s, config.SHUTDOWN_TIMEOUT_MS)));
      await Promise.all(stoppers.map((s) => s()));
      await webhookQueue.close();
      infra.bus.close();
      closeRedis();
      await infra.db.$disconnect();
      await infra.sql.end();
    },
  };
}
