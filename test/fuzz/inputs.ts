// An operation's inputs for one run: a few valid ones built from its schema and the values
// of ./resources.ts (what the server will find real), then the damaged variants the fuzzer
// sends — a field broken by its schema's rules or by the table of near misses, someone
// else's row, unknown or prototype-polluting fields, a required field dropped, no object at
// all. Built once per operation from the run's seed, so a run replays exactly.
import fc from 'fast-check';
import {
  nearMissFor,
  notAnObject,
  junk,
  pollutedObject,
  RawJson,
  BadBytes,
  type Input,
  type Value,
} from './arbitraries';
import { validInput, type FuzzOperation } from './catalogue';
import { foreignValue, knownValue, leftOut, type Ctx } from './resources';
import { hostileFrom, validFrom, type JsonSchema } from './schema-arbitraries';

/** The top-level properties of an input schema (of every branch of an anyOf). */
export function propertiesOf(s: JsonSchema | undefined): Record<string, JsonSchema> {
  if (!s) return {};
  const branches = s.anyOf ?? s.oneOf ?? [];
  return Object.assign({}, ...branches.map(propertiesOf), s.properties ?? {}) as Record<
    string,
    JsonSchema
  >;
}

const isObject = (v: unknown): v is Input =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof RawJson) &&
  !(v instanceof BadBytes);

/** Fields the table knows take its value (a real chat, a real PNG) instead of a random one. */
function withKnownValues(op: FuzzOperation, v: Value, ctx: Ctx): Value {
  if (!isObject(v)) return v;
  const out: Input = {};
  for (const [k, x] of Object.entries(v)) {
    if (leftOut(op.key, k) && !op.schema?.required?.includes(k)) continue;
    out[k] = knownValue(op.key, k, ctx) ?? x;
  }
  return out;
}

/**
 * What the route's parser hands its schema: the JSON body as is, query values as the strings
 * they arrive as. Undefined when that cannot be told from here (raw bytes, broken UTF-8).
 */
export function serverView(op: FuzzOperation, input: Input | Value): unknown {
  if (hasRaw(input)) return undefined;
  if (op.input !== 'query') return input;
  if (!isObject(input)) return {};
  return Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** True if raw text or bytes hide anywhere in the value (deep nesting, a raw NUL byte…). */
export function hasRaw(v: unknown): boolean {
  if (v instanceof RawJson || v instanceof BadBytes) return true;
  if (typeof v !== 'object' || v === null) return false;
  return Object.values(v).some(hasRaw);
}

/** How many valid inputs each operation gets to damage. */
const BASES = 6;

/**
 * Valid inputs of the operation, by its own parser's judgement; when none of a sample is,
 * the sample itself (the catalogue test reports such operations: the table lacks a value).
 */
export function validInputs(op: FuzzOperation, ctx: Ctx, seed: number): Input[] {
  if (!op.schema) return [{}];
  const sample = fc
    .sample(
      validFrom(op.schema).map((v) => withKnownValues(op, v, ctx)),
      { numRuns: 60, seed },
    )
    .filter(isObject);
  const valid = sample.filter((v) => validInput(op, serverView(op, v)));
  return (valid.length > 0 ? valid : sample).slice(0, BASES);
}

export interface InputCase {
  input: Input | Value;
  /** Someone else's row was put where the caller's goes. */
  foreign: boolean;
}

const same = (input: Input | Value): InputCase => ({ input, foreign: false });

export function inputArb(
  op: FuzzOperation,
  ctx: Ctx,
  bases: Input[],
  opts: { allowNonObject: boolean },
): fc.Arbitrary<InputCase> {
  const props = propertiesOf(op.schema);
  const names = Object.keys(props);
  const base = fc.constantFrom(...bases);
  const damage = (name: string) => {
    const pool = nearMissFor(name);
    const byRule = hostileFrom(props[name]!);
    return pool ? fc.oneof(byRule, pool) : byRule;
  };
  const replaced = (b: Input, picks: string[]) =>
    fc
      .tuple(...picks.map(damage))
      .map((vals) => ({ ...b, ...Object.fromEntries(picks.map((n, i) => [n, vals[i]!])) }));
  const broken: fc.Arbitrary<Input> =
    names.length === 0
      ? base
      : fc.oneof(
          {
            weight: 3,
            arbitrary: fc
              .tuple(base, fc.constantFrom(...names))
              .chain(([b, n]) => replaced(b, [n])),
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                base,
                fc.subarray(names, { minLength: 1, maxLength: Math.min(3, names.length) }),
              )
              .chain(([b, picks]) => replaced(b, picks)),
          },
        );
  const arbs: fc.WeightedArbitrary<InputCase>[] = [
    { weight: 8, arbitrary: broken.map(same) },
    { weight: 1, arbitrary: base.map(same) },
    {
      weight: 1,
      arbitrary: fc.tuple(broken, pollutedObject).map(([b, p]) => same({ ...(p as Input), ...b })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(base, fc.dictionary(fc.string({ maxLength: 10 }), junk, { minKeys: 1, maxKeys: 3 }))
        .map(([b, extra]) => same({ ...extra, ...b })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(base, fc.nat()).map(([b, i]) => {
        const keys = Object.keys(b);
        if (keys.length === 0) return same(b);
        const { [keys[i % keys.length]!]: _dropped, ...rest } = b;
        return same(rest);
      }),
    },
  ];
  const foreignNames = names.filter((n) => foreignValue(op.key, n, ctx) !== undefined);
  if (foreignNames.length > 0) {
    arbs.push({
      weight: 2,
      arbitrary: fc
        .tuple(base, fc.constantFrom(...foreignNames))
        .map(([b, n]) => ({ input: { ...b, [n]: foreignValue(op.key, n, ctx)! }, foreign: true })),
    });
  }
  if (opts.allowNonObject) arbs.push({ weight: 1, arbitrary: notAnObject.map(same) });
  return fc.oneof(...arbs);
}
