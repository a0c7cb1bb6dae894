// A Jest environment that records `uncaughtException` and `unhandledRejection` on the REAL
// process while a fuzz file's tests run. Inside a test file `process` is Jest's copy, whose
// listeners never hear the real events, so the fuzz files select this environment with a
// `@jest-environment ./process-env.ts` docblock and read what it saw from
// `globalThis.__FUZZ_PROCESS_ERRORS__` (harness.ts: processErrors()).
//
// The listeners are added at circus's `run_start`, after it has swapped in its own handlers
// (which fail the running test), and removed at `run_finish`: ours only observe.
import { TestEnvironment } from 'jest-environment-node';
import type { Circus } from '@jest/types';

export const PROCESS_ERRORS_KEY = '__FUZZ_PROCESS_ERRORS__';

export default class ProcessWatchEnvironment extends TestEnvironment {
  private readonly seen: string[] = [];
  private readonly onException = (err: unknown) => this.record('uncaughtException', err);
  private readonly onRejection = (reason: unknown) => this.record('unhandledRejection', reason);

  private record(kind: string, err: unknown): void {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.seen.push(`${kind}: ${text}`);
  }

  override async setup(): Promise<void> {
    await super.setup();
    this.global[PROCESS_ERRORS_KEY] = this.seen;
  }

  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'run_start') {
      process.on('uncaughtException', this.onException);
      process.on('unhandledRejection', this.onRejection);
    } else if (event.name === 'run_finish') {
      process.off('uncaughtException', this.onException);
      process.off('unhandledRejection', this.onRejection);
    }
  }
}
