/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// Quanta bot API, part 2 — media and what a bot does to messages and chats — under
// generated bad input: 4xx in `{error}` (2xx only where the catalogue says why), never 5xx,
// and a rejected request writes nothing.
import { REST_ENDPOINTS } from './endpoints';
import { FUZZ_TIMEOUT, fuzzRest, itStaysAlive, useFuzzPlatform } from './harness';

const f = useFuzzPlatform();

describe('Quanta bot API (media, message actions): bad input → 4xx in {error}', () => {
  const endpoints = REST_ENDPOINTS.filter((e) => e.group === 'quanta-actions');
  it.each(endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))(
    '%s',
    async (_name, ep) => {
      await fuzzRest(f.current, ep);
    },
    FUZZ_TIMEOUT,
  );
});

itStaysAlive(f);
