/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// Messenger API under generated bad input: every route answers 4xx in `{error}` (2xx only
// where the catalogue says why), never 5xx, and a rejected request writes nothing.
import { REST_ENDPOINTS } from './endpoints';
import { FUZZ_TIMEOUT, fuzzRest, itStaysAlive, useFuzzPlatform } from './harness';

const f = useFuzzPlatform();

describe('messenger API: bad input → 4xx in {error}, nothing written', () => {
  const endpoints = REST_ENDPOINTS.filter((e) => e.group === 'messenger');
  it.each(endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))(
    '%s',
    async (_name, ep) => {
      await fuzzRest(f.current, ep);
    },
    FUZZ_TIMEOUT,
  );
});

itStaysAlive(f);
