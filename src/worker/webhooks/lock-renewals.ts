// Renewals of the per-bot locks, grouped: a worker draining many bots confirms its lock before
// every delivery. Those asked for in one turn of the event loop share a script call, and so do
// those asked for while one runs.
import { Cluster } from 'ioredis';
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

interface Waiting {
  key: string;
  token: string;
  resolve: (renewed: boolean) => void;
  reject: (err: unknown) => void;
}

export class LockRenewals {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  /** Whether the lock at `key` still held `token` and was renewed; rejects if Redis failed. */
  renew(key: string, token: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ key, token, resolve, reject });
      if (this.running) return;
      this.running = true;
      setImmediate(() => void this.runAll());
    });
  }

  private async runAll(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.run(this.waiting.splice(0, MAX_BATCH));
    } finally {
      this.running = false;
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const renewed = await this.call(batch);
      batch.forEach((w, i) => w.resolve(renewed[i] === 1));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  /** One call for the batch; on a cluster the keys lie in different slots, so one per key. */
  private async call(batch: Waiting[]): Promise<unknown[]> {
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
