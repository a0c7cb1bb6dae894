// One drainer per bot across every worker process, so a bot's updates leave in order.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const TTL_MS = 10_000;
const RENEW_MS = 3_000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/**
 * Run `fn` holding the bot's lock; returns false without running it when another drainer
 * holds it. The lock expires by itself if its holder dies (SIGKILL), within TTL_MS.
 */
export async function withBotLock(
  redis: Redis,
  botId: string,
  fn: () => Promise<void>,
): Promise<boolean> {
  const key = `whlock:${botId}`;
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', TTL_MS, 'NX');
  if (ok !== 'OK') return false;
  const renew = setInterval(() => {
    redis.eval(RENEW, 1, key, token, TTL_MS).catch(() => {});
  }, RENEW_MS);
  try {
    await fn();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token).catch(() => {});
  }
  return true;
}
