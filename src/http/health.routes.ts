import { Router } from 'express';
import { z } from 'zod';
import { op } from './openapi/operation';
import type { Db } from '../infra/db/prisma';
import type { Redis } from '../infra/redis';

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  try {
    await within(1500, check());
    return 'ok';
  } catch {
    return 'down';
  }
}

/** Liveness (the process answers) and readiness (its dependencies answer). */
export function healthRoutes(db: Db, redis: Redis): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/ready', async (_req, res) => {
    const [postgres, redisState] = await Promise.all([
      probe(() => db.$queryRaw`SELECT 1`),
      probe(() => redis.ping()),
    ]);
    const ready = postgres === 'ok' && redisState === 'ok';
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      postgres,
      redis: redisState,
    });
  });
  return r;
}

/** OpenAPI registrations of the routes above. */
export const healthDocs = [
  op('get', '/health', 'none', 'Liveness: the process answers', {
    answers: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
  }),
  op('get', '/ready', 'none', 'Readiness: Postgres and Redis answer', {
    answers: {
      200: { description: 'Ready', schema: z.object({ status: z.string() }).loose() },
      503: {
        description: 'A dependency is down',
        schema: z.object({ status: z.string() }).loose(),
      },
    },
  }),
];
