// One drainer per bot across every worker process, so a bot's updates leave in order.
import { randomUUID } from 'node:crypto';
import type { Redis } from '../../infra/redis';
import type { Logger } from '../../infra/logger';
import { LockRenewals } from './lock-renewals';

const TTL_MS = 10_000;
const RENEW_MS = 3_000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export const botLockKey = (botId: string) => `whlock:${botId}`;

/** One renewal queue per connection, shared by every lock held through it. */
const renewalsByConnection = new WeakMap<Redis, LockRenewals>();

function renewalsOf(redis: Redis): LockRenewals {
  let renewals = renewalsByConnection.get(redis);
  if (!renewals) renewalsByConnection.set(redis, (renewals = new LockRenewals(redis, TTL_MS)));
  return renewals;
}

/** The lock as its holder sees it while running. */
export interface HeldLock {
  /** Renews the lock and says whether it is still ours; false once it was lost. */
  confirm(): Promise<boolean>;
}

/** `busy`: another drainer held the lock, `fn` did not run; `lost`: it ran, lost the lock. */
export type LockOutcome = 'done' | 'busy' | 'lost';

/**
 * Run `fn` holding the bot's lock. The lock expires by itself if its holder dies (SIGKILL),
 * within TTL_MS. Once a renewal fails or finds another holder the lock counts as lost for
 * good: `fn` must ask `confirm()` before each step another holder must not repeat.
 */
export async function withBotLock(
  redis: Redis,
  log: Logger,
  botId: string,
  fn: (lock: HeldLock) => Promise<void>,
): Promise<LockOutcome> {
  const key = botLockKey(botId);
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', TTL_MS, 'NX');
  if (ok !== 'OK') return 'busy';
  let lost = false;
  const renewals = renewalsOf(redis);
  const renew = async (): Promise<boolean> => {
    if (lost) return false;
    try {
      // Sticky: a renewal that succeeds after a failed one does not undo the loss.
      if (!(await renewals.renew(key, token)) && !lost) {
        lost = true;
        log.warn({ botId }, 'webhook lock lost to another holder or expired');
      }
    } catch (err) {
      lost = true;
      log.warn({ botId, err: (err as Error).message }, 'webhook lock renewal failed');
    }
    return !lost;
  };
  const renewer = setInterval(() => void renew(), RENEW_MS);
  try {
    await fn({ confirm: renew });
  } finally {
    clearInterval(renewer);
    if (!lost) {
      // Failing here only keeps the bot locked until TTL_MS passes.
      await redis
        .eval(RELEASE, 1, key, token)
        .catch((err: Error) =>
          log.warn({ botId, err: err.message }, 'webhook lock release failed'),
        );
    }
  }
  return lost ? 'lost' : 'done';
}
