/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// Every gateway method under generated bad input, through both token forms (`/bot<token>/`
// and Bearer), both listeners (the gateway's root and /gateway on the API), any method-name
// casing, and every parameter encoding (query, JSON, urlencoded, multipart — with file parts
// where strings belong and attach:// references to parts never sent): Telegram's failure
// envelope with error_code = HTTP status, never a 5xx, a bad token always 401, and a
// rejected call writes nothing.
import { GATEWAY_METHODS } from './endpoints';
import { FUZZ_TIMEOUT, fuzzGateway, itStaysAlive, useFuzzPlatform } from './harness';

const f = useFuzzPlatform();

describe('gateway methods: bad parameters → Telegram failure envelope, nothing written', () => {
  it.each(GATEWAY_METHODS.map((m) => [m.name, m] as const))(
    '%s',
    async (_name, m) => {
      await fuzzGateway(f.current, m);
    },
    FUZZ_TIMEOUT,
  );
});

itStaysAlive(f);
