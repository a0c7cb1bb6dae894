// Bounds the scrypt work one process takes on. Each hash holds 32 MiB and one of libuv's four
// threads (shared with DNS lookups and file I/O) for ~0.1 s: unbounded, a burst of logins
// queued minutes of hashing in front of every other user and of webhook DNS.
import { appError } from '../errors';

export interface HashSlotLimits {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting for a slot; beyond it a request is refused at once. */
  queue: number;
  /** Hashes one client may have running or waiting, so no single client holds every slot. */
  perClient: number;
  /** Longest wait for a slot before giving up (a backstop: the queue bound comes first). */
  maxWaitMs: number;
}

interface Waiter {
  client: string;
  start: () => void;
  timer: NodeJS.Timeout;
}

/** What a refused caller is told to wait: about one queue's worth of hashing. */
const RETRY_AFTER_S = 1;

const busy = () => appError('rate_limited', { retryAfter: RETRY_AFTER_S });

/**
 * A counting semaphore with a short FIFO queue and a per-client share. Over any bound the
 * answer is an immediate 429 with Retry-After: never a long wait in line.
 */
export class HashSlots {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly held = new Map<string, number>();

  constructor(private readonly limits: HashSlotLimits) {}

  async run<T>(client: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(client);
    try {
      return await work();
    } finally {
      this.release(client);
    }
  }

  /** Running and waiting, for tests and logs. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private acquire(client: string): Promise<void> {
    const { concurrency, queue, perClient, maxWaitMs } = this.limits;
    const mine = this.held.get(client) ?? 0;
    if (mine >= perClient) return Promise.reject(busy());
    if (this.running < concurrency) {
      this.running++;
      this.held.set(client, mine + 1);
      return Promise.resolve();
    }
    if (this.waiting.length >= queue) return Promise.reject(busy());
    this.held.set(client, mine + 1);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        client,
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          this.forget(client);
          reject(busy());
        }, maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(client: string): void {
    this.forget(client);
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter: `running` stays as it is.
    if (next) next.start();
    else this.running--;
  }

  private forget(client: string): void {
    const n = (this.held.get(client) ?? 1) - 1;
    if (n > 0) this.held.set(client, n);
    else this.held.delete(client);
  }
}
