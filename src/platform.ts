// Composition root: config → clients → services → listeners and workers. Both entry points
// (main.ts, and the tests/benchmarks) build the platform here and nowhere else.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from './config';
import { createPrisma } from './infra/db/prisma';
import { createLogger, type Logger } from './infra/logger';
import { createRedis } from './infra/redis';
import { createApiApp } from './http/app';
import { createServices, type Infra, type Services } from './services';

export interface Platform extends Infra {
  services: Services;
  api: Express;
  /** Start the listeners and workers the role asks for; resolves with the bound ports. */
  start(): Promise<{ port?: number; gatewayPort?: number }>;
  /** Stop accepting, finish in-flight work (bounded), close every client. */
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

export function createPlatform(config: Config, opts: PlatformOptions = {}): Platform {
  const log = opts.log ?? createLogger(config);
  const db = createPrisma(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  const infra: Infra = { config, log, db, redis };
  const services = createServices(infra);
  const api = createApiApp(infra, services);
  const servers: Server[] = [];
  const runsApi = config.ROLE !== 'worker';

  return {
    ...infra,
    services,
    api,
    async start() {
      if (!runsApi) return {};
      const server = createServer(api);
      servers.push(server);
      const port = await listen(server, config.PORT, config.HOST);
      log.info({ port, role: config.ROLE }, 'api listening');
      return { port };
    },
    async stop() {
      await Promise.all(servers.map((s) => close(s, config.SHUTDOWN_TIMEOUT_MS)));
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
