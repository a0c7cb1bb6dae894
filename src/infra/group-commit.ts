// Group commit: requests that arrive while a batch is being written wait and go together in
// the next one. Nothing waits on a timer: an idle queue starts at once (after the requests
// already read in this turn of the event loop), so a lone request pays no delay, and under
// load each batch gathers what arrived during the previous one (at most `maxItems`).
// One batch at a time: batches commit in the order they were taken, items in queue order.

/** Each item's own outcome: a batch may succeed for some items and fail for others. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export type BatchWriter<I, R> = (items: I[]) => Promise<Outcome<R>[]>;

interface Waiting<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, R> {
  private queue: Waiting<I, R>[] = [];
  private busy = false;

  constructor(
    private readonly write: BatchWriter<I, R>,
    private readonly maxItems = 64,
  ) {}

  /** Resolves once the batch holding `item` is written (its outcome, not the batch's). */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxItems);
      let outcomes: Outcome<R>[];
      try {
        outcomes = await this.write(batch.map((w) => w.item));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((w, i) => {
        const o = outcomes[i] ?? { ok: false, error: new Error('batch writer lost an item') };
        if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    }
    this.busy = false;
  }
}
