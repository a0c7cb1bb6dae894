// Renewals of the per-bot locks, grouped: a worker draining many bots confirms its lock before
// every delivery. Those asked for in one turn of the event loop share a script call, and so do
// those asked for while one runs.
import { Cluster } from 'ioredis';
import { GroupCommit, type Outcome } from '../../infra/group-commit';
import type { Redis } from '../../infra/redis';

/** Each lock whose value is still its token gets its TTL again; 1 per such lock, else 0. */
const RENEW_MANY = `
local ttl = ARGV[#ARGV]
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[i] then out[i] = redis.call('pexpire', key, ttl) else out[i] = 0 end
end
return out`;

/** Most locks per script call. */
const MAX_BATCH = 256;

interface Held {
  key: string;
  token: string;
}

export class LockRenewals {
  private readonly batches: GroupCommit<Held, boolean>;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {
    this.batches = new GroupCommit((batch) => this.run(batch), MAX_BATCH);
  }

  /** Whether the lock at `key` still held `token` and was renewed; rejects if Redis failed. */
  renew(key: string, token: string): Promise<boolean> {
    return this.batches.submit({ key, token });
  }

  /** A Redis failure rejects the whole batch (GroupCommit hands each its error). */
  private async run(batch: Held[]): Promise<Outcome<boolean>[]> {
    const renewed = await this.call(batch);
    return batch.map((_, i) => ({ ok: true, value: renewed[i] === 1 }));
  }

  /** One call for the batch; on a cluster the keys lie in different slots, so one per key. */
  private async call(batch: Held[]): Promise<unknown[]> {
    if (this.redis instanceof Cluster) {
      return Promise.all(
        batch.map((w) => this.redis.eval(RENEW_MANY, 1, w.key, w.token, this.ttlMs)),
      ).then((rs) => rs.map((r) => (r as unknown[])[0]));
    }
    const keys = batch.map((w) => w.key);
    const tokens = batch.map((w) => w.token);
    return (await this.redis.eval(
      RENEW_MANY,
      batch.length,
      ...keys,
      ...tokens,
      this.ttlMs,
    )) as unknown[];
  }
}
