// Per-bot lock renewals asked for while one round trip runs share the next script call, and
// each lock hears only its own answer.
import { createRedis } from '../../src/infra/redis';
import { LockRenewals } from '../../src/worker/webhooks/lock-renewals';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform();

describe('lock renewals', () => {
  it('renewals asked for together share one call; each lock is answered on its own', async () => {
    const { config } = t.current;
    const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX });
    try {
      const calls = jest.spyOn(redis, 'eval');
      await redis.set('lk:first', 't1', 'PX', 1000);
      await redis.set('lk:ours', 't2', 'PX', 1000);
      await redis.set('lk:taken', 'someone-else', 'PX', 1000);
      const renewals = new LockRenewals(redis, 60_000);
      const answers = await Promise.all([
        renewals.renew('lk:first', 't1'),
        renewals.renew('lk:ours', 't2'),
        renewals.renew('lk:taken', 't3'),
        renewals.renew('lk:expired', 't4'),
      ]);
      expect(answers).toEqual([true, true, false, false]);
      // Asked for in one turn of the event loop: one call.
      expect(calls).toHaveBeenCalledTimes(1);
      expect(await redis.pttl('lk:ours')).toBeGreaterThan(50_000);
      expect(await redis.pttl('lk:taken')).toBeLessThanOrEqual(1000);
      expect(await redis.get('lk:taken')).toBe('someone-else');
      expect(await redis.exists('lk:expired')).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('a failed call rejects every renewal it carried', async () => {
    const { config } = t.current;
    const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX });
    const renewals = new LockRenewals(redis, 60_000);
    await redis.quit();
    await expect(renewals.renew('lk:any', 't')).rejects.toThrow();
  });
});
