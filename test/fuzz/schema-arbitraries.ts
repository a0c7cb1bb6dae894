// fast-check generators read off the OpenAPI document's JSON Schemas (2020-12, as zod writes
// them): `validFrom` makes values of a schema's shape, `hostileFrom` values that miss it by
// one rule (a type, a bound, a pattern, an enum, a required or unknown property), mixed with
// the generic junk of ./arbitraries.ts. Whether a value really is valid is decided by the
// zod schema behind the document (catalogue.ts), not here: JSON Schema cannot say what
// zod's refinements and transforms check (base64 that decodes, a blank text, an emoji).
import fc from 'fast-check';
import {
  junk,
  NUMBERS,
  NUMERIC_STRINGS,
  pollutedObject,
  uuidLike,
  type Value,
} from './arbitraries';

export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Generated collections stay small: the point is the shape, not the volume. */
const MAX_ITEMS = 3;
const MAX_TEXT = 24;

const branches = (s: JsonSchema) => s.anyOf ?? s.oneOf;
const types = (s: JsonSchema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];

/** A value the schema's shape admits (zod may still refuse it: see the header). */
export function validFrom(s: JsonSchema, depth = 0): fc.Arbitrary<Value> {
  if (s.const !== undefined) return fc.constant(s.const as Value);
  if (s.enum) return fc.constantFrom(...(s.enum as Value[]));
  const alts = branches(s);
  if (alts) return fc.oneof(...alts.map((b) => validFrom(b, depth)));
  const ts = types(s);
  if (ts.length > 1) return fc.oneof(...ts.map((type) => validFrom({ ...s, type }, depth)));
  switch (ts[0]) {
    case 'string':
      return validString(s);
    case 'integer':
      return fc.integer({ min: lower(s, -1000), max: upper(s, 1000) });
    case 'number':
      return fc.integer({ min: lower(s, -1000), max: upper(s, 1000) });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.max(min, Math.min(s.maxItems ?? MAX_ITEMS, MAX_ITEMS));
      const item = s.items
        ? validFrom(s.items, depth + 1)
        : (fc.jsonValue() as fc.Arbitrary<Value>);
      return fc.array(item, { minLength: min, maxLength: max });
    }
    case 'object':
      return validObject(s, depth);
    default:
      // {}: anything (zod's unknown, and what JSON Schema cannot represent)
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Value>;
  }
}

const lower = (s: JsonSchema, fallback: number) =>
  Math.max(s.minimum ?? (s.exclusiveMinimum ?? -Infinity) + 1, fallback);
const upper = (s: JsonSchema, fallback: number) =>
  Math.min(s.maximum ?? (s.exclusiveMaximum ?? Infinity) - 1, fallback);

function validString(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? MAX_TEXT, MAX_TEXT));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    return fc
      .stringMatching(re)
      .filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
  }
  if (s.format === 'uri' || s.format === 'url') return fc.webUrl();
  if (s.format === 'email') return fc.emailAddress();
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme-ascii' });
}

function validObject(s: JsonSchema, depth: number): fc.Arbitrary<Value> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const model = Object.fromEntries(
    Object.entries(props).map(([k, p]) => [k, validFrom(p, depth + 1)]),
  );
  return fc.record(model, {
    requiredKeys: [...required].filter((k) => k in props),
  });
}

// ── hostile ───────────────────────────────────────────────────────────────────────────

/** Strings that break a string rule: its bounds, its pattern, its format. */
function hostileString(s: JsonSchema): fc.Arbitrary<Value> {
  const out: fc.Arbitrary<Value>[] = [fc.constantFrom<Value>('', ' ', '\u0000', '\ud800')];
  if (s.format === 'uuid') out.push(uuidLike);
  if (s.maxLength !== undefined && s.maxLength < 600_000) {
    const n = s.maxLength + 1;
    out.push(fc.constantFrom<Value>('x'.repeat(n), '😀'.repeat(Math.ceil(n / 2)), 'é'.repeat(n)));
  }
  if (s.minLength !== undefined && s.minLength > 1)
    out.push(fc.constant('x'.repeat(s.minLength - 1)));
  if (s.pattern || s.format) {
    // a value of the right shape with one character the pattern cannot hold
    out.push(
      fc
        .tuple(validString(s), fc.constantFrom(' ', '!', '/', '\u0000', '😀', '\n', "'"))
        .map(([v, c]) => (v.length > 0 ? `${v.slice(0, -1)}${c}` : c)),
      validString(s).map((v) => v.toUpperCase()),
    );
  }
  // a member with a space after it, or (not a string) its JSON text
  if (s.enum) {
    const near = (v: Value) => (typeof v === 'string' ? `${v} ` : JSON.stringify(v));
    out.push(fc.constantFrom(...(s.enum as Value[])).map(near));
  }
  return fc.oneof(...out);
}

function hostileNumber(s: JsonSchema): fc.Arbitrary<Value> {
  const edges: Value[] = [0.5, -1, ...NUMBERS];
  if (s.minimum !== undefined) edges.push(s.minimum - 1, String(s.minimum - 1));
  if (s.maximum !== undefined) edges.push(s.maximum + 1, String(s.maximum + 1));
  return fc.oneof(fc.constantFrom(...edges), fc.constantFrom(...NUMERIC_STRINGS));
}

function hostileArray(s: JsonSchema, depth: number): fc.Arbitrary<Value> {
  const item = s.items ? validFrom(s.items, depth + 1) : fc.constant<Value>(null);
  const out: fc.Arbitrary<Value>[] = [
    fc.constantFrom<Value>([null], [[]], {}, 'a,b'),
    // one item broken, among valid ones
    fc
      .tuple(fc.array(item, { maxLength: 2 }), s.items ? hostileFrom(s.items, depth + 1) : junk)
      .map(([ok, bad]) => [...ok, bad]),
  ];
  if (s.maxItems !== undefined && s.maxItems <= 500) {
    // one valid item, once too many times
    const n = s.maxItems + 1;
    out.push(item.map((v) => Array.from({ length: n }, () => v)));
  }
  if ((s.minItems ?? 0) > 0) out.push(fc.constant<Value>([]));
  return fc.oneof(...out);
}

function hostileObject(s: JsonSchema, depth: number): fc.Arbitrary<Value> {
  const base = validObject(s, depth) as fc.Arbitrary<Record<string, Value>>;
  const names = Object.keys(s.properties ?? {});
  const out: fc.Arbitrary<Value>[] = [
    pollutedObject,
    // an unknown property beside valid ones
    base.map((b) => ({ ...b, unexpected_field: 1 })),
  ];
  if (names.length > 0 && depth < 3) {
    out.push(
      fc
        .tuple(base, fc.constantFrom(...names))
        .chain(([b, n]) =>
          hostileFrom(s.properties![n]!, depth + 1).map((bad) => ({ ...b, [n]: bad })),
        ),
    );
  }
  const required = s.required ?? [];
  if (required.length > 0) {
    out.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([b, n]) => {
        const { [n]: _dropped, ...rest } = b;
        return rest;
      }),
    );
  }
  return fc.oneof(...out);
}

/**
 * A value that misses the schema by one rule, or junk of any type. It may happen to be
 * valid (junk can be a string where a string goes): the zod oracle decides, not this.
 */
export function hostileFrom(s: JsonSchema, depth = 0): fc.Arbitrary<Value> {
  const near: fc.Arbitrary<Value>[] = [];
  const alts = branches(s);
  if (alts) near.push(...alts.map((b) => hostileFrom(b, depth + 1)));
  if (s.const !== undefined || s.enum) near.push(hostileString({ enum: s.enum ?? [s.const] }));
  for (const t of types(s)) {
    if (t === 'string') near.push(hostileString(s));
    if (t === 'integer' || t === 'number') near.push(hostileNumber(s));
    if (t === 'boolean') near.push(fc.constantFrom<Value>('yes', 'TRUE', 2, -1, '', [true]));
    if (t === 'array') near.push(hostileArray(s, depth));
    if (t === 'object') near.push(hostileObject(s, depth));
  }
  if (near.length === 0) return junk;
  return fc.oneof({ weight: 1, arbitrary: junk }, { weight: 2, arbitrary: fc.oneof(...near) });
}
