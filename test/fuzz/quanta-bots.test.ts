/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// Quanta bot API, part 1 — the registry, updates, sending, callbacks and webhooks — under
// generated bad input: 4xx in `{error}` (2xx only where the catalogue says why), never 5xx,
// and a rejected request writes nothing.
import { REST_ENDPOINTS } from './endpoints';
import { FUZZ_TIMEOUT, fuzzRest, itStaysAlive, useFuzzPlatform } from './harness';

const f = useFuzzPlatform();

describe('Quanta bot API (registry, updates, sending, webhooks): bad input → 4xx in {error}', () => {
  const endpoints = REST_ENDPOINTS.filter((e) => e.group === 'quanta-bots');
  it.each(endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))(
    '%s',
    async (_name, ep) => {
      await fuzzRest(f.current, ep);
    },
    FUZZ_TIMEOUT,
  );
});

itStaysAlive(f);
