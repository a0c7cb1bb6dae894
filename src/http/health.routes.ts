import { Router } from 'express';
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
