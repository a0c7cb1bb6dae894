// Group commit for delivery attempts: the worker's concurrent drains each wait for their own
// attempt to be recorded. Those recorded in one turn of the event loop (the replies read in one
// poll) share a statement, and so do those that arrive while a statement is running.
import type { Attempt, DeliveryRepository } from '../../domain/webhooks/delivery.repository';
import { GroupCommit, type Outcome } from '../../infra/group-commit';

/** Most attempts per statement (a batch's arrays are its parameters). */
const MAX_BATCH = 256;

export class AttemptWriter {
  private readonly batches: GroupCommit<Attempt, void>;

  constructor(private readonly repo: Pick<DeliveryRepository, 'record'>) {
    this.batches = new GroupCommit((batch) => this.write(batch), MAX_BATCH);
  }

  /** Resolves once `attempt` is committed; rejects with its own error only. */
  record(attempt: Attempt): Promise<void> {
    return this.batches.submit(attempt);
  }

  /**
   * One statement for the batch; when it fails, each attempt again on its own, so one bad row
   * (its bot deleted meanwhile) fails alone and the others are not held up.
   */
  private async write(batch: Attempt[]): Promise<Outcome<void>[]> {
    try {
      await this.repo.record(batch);
      return batch.map(() => ({ ok: true, value: undefined }));
    } catch (error) {
      if (batch.length === 1) return [{ ok: false, error }];
    }
    return Promise.all(
      batch.map((a) =>
        this.repo.record([a]).then(
          (): Outcome<void> => ({ ok: true, value: undefined }),
          (error: unknown): Outcome<void> => ({ ok: false, error }),
        ),
      ),
    );
  }
}
