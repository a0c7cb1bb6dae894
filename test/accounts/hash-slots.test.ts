import { HashSlots } from '../../src/domain/accounts/hash-slots';
import { backoffSeconds } from '../../src/domain/accounts/sign-in-limits';
import { AppError } from '../../src/domain/errors';

/** A job that finishes when told to. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, job: () => opened };
}

const limits = { concurrency: 2, queue: 2, perClient: 10, maxWaitMs: 5000 };

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('HashSlots', () => {
  it('runs at most `concurrency` at once, queues `queue` more in order, refuses the rest at once', async () => {
    const slots = new HashSlots(limits);
    const jobs = Array.from({ length: 4 }, () => gate());
    const started: number[] = [];
    const runs = jobs.map((g, i) =>
      slots.run(`c${i}`, () => {
        started.push(i);
        return g.job();
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(slots.load).toEqual({ running: 2, waiting: 2 });

    const t0 = Date.now();
    const err = await refusal(slots.run('c9', async () => {}));
    expect(Date.now() - t0).toBeLessThan(50);
    expect(err.reason).toBe('rate_limited');
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBeGreaterThanOrEqual(1);

    jobs[1]!.open();
    await runs[1];
    expect(started).toEqual([0, 1, 2]);
    jobs[0]!.open();
    jobs[2]!.open();
    jobs[3]!.open();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it('gives one client at most `perClient` places, running or waiting', async () => {
    const slots = new HashSlots({ ...limits, perClient: 1 });
    const g = gate();
    const first = slots.run('a', g.job);
    expect((await refusal(slots.run('a', async () => {}))).reason).toBe('rate_limited');
    // Another client still gets the free slot.
    await slots.run('b', async () => {});
    g.open();
    await first;
    await slots.run('a', async () => {});
  });

  it('frees the slot when the work throws, and refuses a waiter after maxWaitMs', async () => {
    const slots = new HashSlots({ ...limits, concurrency: 1, maxWaitMs: 100 });
    await expect(slots.run('a', () => Promise.reject(new Error('scrypt failed')))).rejects.toThrow(
      'scrypt failed',
    );
    expect(slots.load).toEqual({ running: 0, waiting: 0 });

    const g = gate();
    const holder = slots.run('a', g.job);
    const t0 = Date.now();
    expect((await refusal(slots.run('b', async () => {}))).reason).toBe('rate_limited');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(slots.load).toEqual({ running: 1, waiting: 0 });
    g.open();
    await holder;
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
    // The timed-out waiter gave its client's place back.
    await slots.run('b', async () => {});
  });
});

describe('login back-off', () => {
  it('doubles from 1 s and stops at an hour', () => {
    expect([1, 2, 3, 4, 5].map(backoffSeconds)).toEqual([1, 2, 4, 8, 16]);
    expect(backoffSeconds(13)).toBe(3600);
    expect(backoffSeconds(10_000)).toBe(3600);
  });
});
