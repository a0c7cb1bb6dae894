// A bot's long-poll started through one platform, resolved once it has read the log (empty)
// and parked: what a wakeup test sends its message against.
import type supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { botAuth, type TestBot } from './fixtures';
import { sleep, waitFor } from './processes';

export async function parkedPoll(
  platform: Platform,
  http: ReturnType<typeof supertest>,
  bot: TestBot,
  query: string,
) {
  const reads = jest.spyOn(platform.services.updates, 'read');
  const answer = http
    .get(`/api/v1/bot/updates?timeout=20&${query}`)
    .set(botAuth(bot))
    .then((r) => r);
  await waitFor(() => reads.mock.results.length > 0);
  await reads.mock.results[0]!.value;
  await sleep(30); // from the empty read to the wait
  return { answer, reads };
}
