/**
 * @jest-environment ./test/fuzz/process-env.ts
 */
// Every operation of the OpenAPI document under generated bad input (catalogue.ts derives
// them; docs/fuzzing.md says what is generated and asserted): first a valid input must be
// accepted, so the refusals that follow come from the damage; then never a 5xx, every
// refusal in the dialect's envelope, a 2xx only for what may succeed, nothing written by a
// refused request, nothing accepted lost, and the process up at the end.
import { METHOD_NAMES } from '../../src/http/gateway/methods';
import { documentedOperations, GATEWAY_OPERATIONS, OPERATIONS, validInput } from './catalogue';
import {
  FUZZ_TIMEOUT,
  fuzzGateway,
  fuzzRest,
  itStaysAlive,
  SEED,
  useFuzzPlatform,
} from './harness';
import { serverView, validInputs } from './inputs';
import { EXCLUDED, NEVER_ACCEPTED } from './resources';

const f = useFuzzPlatform();

describe('the catalogue is the document', () => {
  const documented = documentedOperations();

  it('fuzzes every documented operation but the few left out, each with its reason', () => {
    expect(documented.length).toBeGreaterThan(100);
    expect(OPERATIONS.length + Object.keys(EXCLUDED).length).toBe(documented.length);
    const keys = new Set(documented.map((o) => o.key));
    const named = [...Object.keys(EXCLUDED), ...Object.keys(NEVER_ACCEPTED)];
    expect(named.filter((k) => !keys.has(k))).toEqual([]);
  });

  it("covers the gateway's whole method table", () => {
    expect(GATEWAY_OPERATIONS.map((o) => o.gatewayMethod!.toLowerCase()).sort()).toEqual(
      [...METHOD_NAMES.keys()].sort(),
    );
  });

  it('has, for every input the document describes, the zod schema the route parses it with', () => {
    expect(OPERATIONS.filter((o) => o.schema && !o.zod).map((o) => o.key)).toEqual([]);
  });

  it("generates valid inputs for every operation, by the route's own parser", () => {
    const none = OPERATIONS.filter((o) => o.schema).filter(
      (o) => !validInputs(o, f.current.ctx, SEED).some((b) => validInput(o, serverView(o, b))),
    );
    expect(none.map((o) => o.key)).toEqual([]);
  });
});

describe('every documented operation: a valid input accepted, bad input refused in the envelope', () => {
  it.each(OPERATIONS.map((o) => [o.key, o] as const))(
    '%s',
    async (_name, op) => {
      await (op.gatewayMethod ? fuzzGateway(f.current, op) : fuzzRest(f.current, op));
    },
    FUZZ_TIMEOUT,
  );
});

itStaysAlive(f);
