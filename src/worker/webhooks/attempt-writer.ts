// Group commit for delivery attempts: the worker's concurrent drains each wait for their own
// attempt to be recorded. Those recorded in one turn of the event loop (the replies read in one
// poll) share a statement, and so do those that arrive while a statement is running.
import type { Attempt, DeliveryRepository } from '../../domain/webhooks/delivery.repository';

/** Most attempts per statement (a batch's arrays are its parameters). */
const MAX_BATCH = 256;

interface Waiting {
  attempt: Attempt;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class AttemptWriter {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly repo: Pick<DeliveryRepository, 'record'>) {}

  /** Resolves once `attempt` is committed; rejects with its own error only. */
  record(attempt: Attempt): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ attempt, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      setImmediate(() => void this.writeAll());
    });
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * One statement for the batch; when it fails, each attempt again on its own, so one bad row
   * (its bot deleted meanwhile) fails alone and the others are not held up.
   */
  private async write(batch: Waiting[]): Promise<void> {
    try {
      await this.repo.record(batch.map((w) => w.attempt));
      for (const w of batch) w.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
    }
    await Promise.all(batch.map((w) => this.repo.record([w.attempt]).then(w.resolve, w.reject)));
  }
}
