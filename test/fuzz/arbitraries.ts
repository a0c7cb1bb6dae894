// Generators of bad input for the fuzz suite (fast-check). Values are JSON values plus two
// markers the wire encoders understand: RawJson (text spliced verbatim into a JSON body —
// deep nesting that must not be built as a JS object first) and BadBytes (a JSON string whose
// bytes are not valid UTF-8). Everything here is pure: schema-arbitraries.ts aims them at
// the document's schemas, the harness puts them on the wire.
import fc from 'fast-check';

/** Text spliced verbatim into a JSON body (sent as-is in forms and query strings). */
export class RawJson {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `RawJson(${this.text.length > 80 ? `${this.text.slice(0, 40)}…(${this.text.length} chars)` : this.text})`;
  }
}

/** A string value whose bytes on the wire are these (invalid UTF-8 sequences). */
export class BadBytes {
  constructor(readonly bytes: Buffer) {}
  [fc.toStringMethod](): string {
    return `BadBytes(${this.bytes.toString('hex')})`;
  }
}

export type Value =
  null | boolean | number | string | RawJson | BadBytes | Value[] | { [key: string]: Value };

// ── pools of nasty constants ──────────────────────────────────────────────────────────

export const SQLISH = [
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1'; SELECT pg_sleep(5); --",
  "admin'--",
  '1 UNION SELECT password_hash FROM users',
  "%' AND 1=1 --",
  '$1',
  '\\',
  "\\'; --",
  "') ON CONFLICT DO NOTHING; --",
  "00000000-0000-4000-8000-000000000000' OR '1'='1",
];

export const SCRIPTISH = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${process.exit(1)}',
  '</script><script>',
  '<svg/onload=alert(1)>',
  'data:text/html;base64,PHNjcmlwdD4=',
];

export const UNICODEISH = [
  '😀',
  '👍',
  '👨‍👩‍👧‍👦',
  '🇺🇦',
  '😀😀',
  'مرحبا بالعالم',
  'שלום',
  '\u202Egnp.exe',
  '\u200B',
  '\uFEFF',
  '\uFFFF',
  'e\u0301',
  'İ',
  'ß',
  '\u0000',
  'a\u0000b',
  '\u0000\u0000\u0000',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\udc00\ud800',
  '\u0001\u001f\u007f',
  '\r\n\r\n',
  '\t',
];

/** Strings that look like literals of other types. */
export const LOOKALIKES = [
  'null',
  'undefined',
  'true',
  'false',
  'NaN',
  '[]',
  '{}',
  '0',
  '-0',
  '""',
];

export const PATHISH = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '....//....//',
  '..\\..\\windows',
  '/',
  '%00',
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  'a%2Fb',
  '~root',
  'con',
  '.',
  '..',
];

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

export const NUMBERS = [
  -1,
  0,
  -0,
  0.5,
  1.5,
  -1e308,
  1e308,
  5e-324,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  1e21,
];

export const NUMERIC_STRINGS = [
  '-1',
  '0',
  '-0',
  '1e999',
  '-1e999',
  '1e21',
  '0x10',
  '1_000',
  ' 5 ',
  '5abc',
  'NaN',
  'Infinity',
  '-Infinity',
  '9'.repeat(40),
  '9223372036854775808',
  '-9223372036854775809',
  '00000000001',
  '+1',
  '.5',
  '1.',
  '١٢٣',
  '１２',
  '2.5',
];

/** Bytes that are not UTF-8: a lone continuation byte, overlong, surrogate, truncated… */
export const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0x61, 0x00, 0x62],
].map((b) => Buffer.from(b));

export const BAD_BASE64 = [
  '!!!!',
  'a',
  'abcde',
  '====',
  'YQ',
  'YQ=',
  'Y Q = =',
  'YQ===',
  '=YQ',
  '-_-_',
  'data:image/png;base64,iVBORw0K',
  'https://example.com/cat.png',
  '00000000-0000-4000-8000-000000000000',
  '\u0000',
  '   ',
  'QUJD\u0000',
  '8J+YgA==', // valid base64 of an emoji: not a PNG
  'R0lGODlh', // "GIF89a" only: too short for its type
];

// ── generic building blocks ───────────────────────────────────────────────────────────

/** Deep nesting as raw JSON text (never a JS object: that is what overflows stacks). */
export const deepJson: fc.Arbitrary<RawJson> = fc
  .record({
    depth: fc.constantFrom(65, 100, 1000, 5000, 50_000),
    shape: fc.constantFrom('array', 'object', 'mixed'),
  })
  .map(({ depth, shape }) => {
    if (shape === 'array') return new RawJson('['.repeat(depth) + ']'.repeat(depth));
    if (shape === 'object') return new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    const half = Math.floor(depth / 2);
    return new RawJson('[{"a":'.repeat(half) + 'null' + '}]'.repeat(half));
  });

/** 10 KB – 200 KB of one character (ASCII, multibyte, NUL, quote…): under the 1 MB limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .record({
    size: fc.integer({ min: 10_000, max: 200_000 }),
    unit: fc.constantFrom('a', '😀', '\u0000', '"', "'", 'é', '\\', '<', ' '),
  })
  .map(({ size, unit }) => unit.repeat(Math.ceil(size / unit.length)));

const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQLISH, ...SCRIPTISH, ...UNICODEISH, ...LOOKALIKES, ...PATHISH),
  fc.constantFrom(...NUMERIC_STRINGS),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.string({ maxLength: 20 }),
  fc.constant(''),
);

const number: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Objects whose keys are prototype-pollution bait. */
export const pollutedObject: fc.Arbitrary<Value> = fc
  .record({
    key: fc.constantFrom(...PROTO_KEYS),
    inner: fc.oneof(
      fc.constant({ polluted: true, isAdmin: true, chat_id: 'x' }),
      fc.constant({ prototype: { polluted: true } }),
      fc.constant(null),
      fc.constant('x'),
    ),
  })
  .map(({ key, inner }) => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(inner)}}`));

const smallJson: fc.Arbitrary<Value> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Value>;

/** Anything of the wrong type or shape: the generic damage every field can take. */
export const junk: fc.Arbitrary<Value> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.constantFrom<Value>(null, true, false, [], {}, [null], ['']) },
  { weight: 1, arbitrary: smallJson },
  { weight: 1, arbitrary: pollutedObject },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepJson },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...INVALID_UTF8).map((b) => new BadBytes(b)),
  },
);

// ── kind-specific near misses ─────────────────────────────────────────────────────────

/** Fields whose damage their schema cannot describe (see KIND_OF_FIELD below). */
type FieldKind =
  | 'base64'
  | 'mime'
  | 'emoji'
  | 'buttons' // Quanta payload rows of buttons
  | 'markup' // gateway reply_markup
  | 'payload'
  | 'url'
  | 'username'
  | 'password'
  | 'filename'
  | 'commands'
  | 'reactions'; // opaque short strings with a format (secret_token, action, …)

/** Ids of nothing, and strings that are almost a UUID. */
export const uuidLike = fc.oneof(
  fc.uuid(), // of nothing
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '00000000-0000-4000-8000-00000000000', // one short
    '00000000-0000-4000-8000-0000000000000', // one long
    '{00000000-0000-4000-8000-000000000000}',
    '00000000000040008000000000000000',
    'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    '1',
    '-1',
  ),
);

const badButtons: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(
    'no',
    [[]],
    [[{}]],
    [[{ text: 'a' }]],
    [[{ text: '', callback_data: 'x' }]],
    [[{ text: 'a', callback_data: '' }]],
    [[{ text: 'a', callback_data: 'x'.repeat(65) }]],
    [[{ text: 'a', callback_data: '😀'.repeat(17) }]],
    [[{ text: 'a', url: 'javascript:alert(1)' }]],
    [[{ text: 'a', url: 'ftp://example.com' }]],
    [[{ text: 'a', url: 'not a url' }]],
    [[{ text: 'a', callback_data: 'x', url: 'https://example.com' }]],
    [[{ text: 'a', callback_data: 'x', extra: 1 }]],
    [[{ text: 'x'.repeat(65), callback_data: 'x' }]],
    [[{ text: 'a\u0000', callback_data: 'x' }]],
    [[{ text: 'a', callback_data: 'x\u0000' }]],
    [[{ text: '\ud800', callback_data: 'x' }]],
    [{ text: 'a', callback_data: 'x' }],
    { inline_keyboard: 'x' },
  ),
  fc
    .integer({ min: 9, max: 40 })
    .map((n) => [Array.from({ length: n }, (_, i) => ({ text: 't', callback_data: `d${i}` }))]),
  fc
    .integer({ min: 101, max: 200 })
    .map((n) =>
      Array.from({ length: Math.ceil(n / 8) }, (_, r) =>
        Array.from({ length: 8 }, (_, i) => ({ text: 't', callback_data: `d${r}_${i}` })),
      ),
    ),
);

const badMarkup: fc.Arbitrary<Value> = fc.oneof(
  badButtons,
  badButtons.map((rows) => ({ inline_keyboard: rows })),
  fc.constantFrom<Value>(
    { inline_keyboard: [[{ text: 'a' }]] },
    { inline_keyboard: [['x']] },
    { inline_keyboard: [[null]] },
    { inline_keyboard: [[{ text: 'a', login_url: { url: 'https://x' } }]] },
    '{"inline_keyboard":',
    { keyboard: [[{ text: 'a' }]] },
    { remove_keyboard: true },
  ),
);

const NEAR_MISS: Record<FieldKind, fc.Arbitrary<Value>> = {
  base64: fc.oneof(
    fc.constantFrom(...BAD_BASE64),
    fc.string({ maxLength: 30 }),
    fc.constant('A'.repeat(120_000)), // over the fuzz platform's MEDIA_MAX_BYTES: a 413
  ),
  mime: fc.constantFrom<Value>(
    '',
    'image',
    'image/',
    '/png',
    'image/svg+xml',
    'text/html',
    'image/png; charset=utf-8',
    'IMAGE/PNG ',
    'image/png\u0000',
    'a/'.padEnd(300, 'b'),
    'application/x-msdownload',
    '*/*',
  ),
  emoji: fc.constantFrom<Value>(
    '',
    'a',
    ':)',
    '😀😀',
    '👍🏻👍🏻',
    '\u0000',
    '\ud83d',
    '😀'.repeat(20),
    'x'.repeat(33),
    '1️',
    ' 👍',
  ),
  buttons: badButtons,
  markup: badMarkup,
  payload: fc.oneof(
    fc.constantFrom<Value>('str', [], [1, 2], { buttons: 'no' }, { a: '\u0000' }, { a: '\ud800' }),
    fc.constant({ big: 'x'.repeat(17 * 1024) }),
    badButtons.map((b) => ({ buttons: b })),
    pollutedObject,
  ),
  url: fc.constantFrom<Value>(
    '',
    'example.com',
    'http://127.0.0.1/hook',
    'https://127.0.0.1/hook',
    'https://[::1]/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.1/',
    'https://0x7f000001/',
    'ftp://example.com/hook',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://',
    'https://exa mple.com/',
    `https://example.com/${'a'.repeat(2100)}`,
    'https://example.com/\u0000',
    'gopher://127.0.0.1:6379/_INFO',
  ),
  username: fc.constantFrom<Value>(
    '',
    'ab',
    '1abc',
    '_abc',
    'a'.repeat(33),
    'ABC DEF',
    'abc-def',
    'admin\u0000',
    "a' OR '1'='1",
    'ábc',
    'abc_bot_',
  ),
  password: fc.constantFrom<Value>(
    '',
    'short1',
    'abcdefgh',
    '12345678',
    'x1'.repeat(65),
    '\u0000'.repeat(8),
  ),
  filename: fc.constantFrom<Value>(
    '',
    ' ',
    '../../etc/passwd',
    'a/b',
    'a\\b',
    'a\u0000b',
    'a\nb',
    'x'.repeat(256),
    'CON',
    '"quoted".txt',
  ),
  commands: fc.constantFrom<Value>(
    [{ command: 'Start', description: 'x' }],
    [{ command: '', description: 'x' }],
    [{ command: '/start', description: 'x' }],
    [{ command: 'a'.repeat(33), description: 'x' }],
    [{ command: 'a', description: '' }],
    [{ command: 'a', description: 'x'.repeat(257) }],
    [
      { command: 'a', description: 'x' },
      { command: 'a', description: 'y' },
    ],
    [{ command: 'a' }],
    [{ command: 'a', description: 'x\u0000' }],
    ['start'],
    { command: 'a', description: 'x' },
    Array.from({ length: 101 }, (_, i) => ({ command: `c${i}`, description: 'x' })),
  ),
  reactions: fc.oneof(
    fc.constantFrom<Value>(
      [{ type: 'custom_emoji', custom_emoji_id: '1' }],
      [{ type: 'emoji' }],
      [{ emoji: '👍' }],
      ['👍'],
      { type: 'emoji', emoji: '👍' },
      [
        { type: 'emoji', emoji: '👍' },
        { type: 'emoji', emoji: 'x' },
      ],
      [{ type: 'emoji', emoji: '👍' }, { type: 'paid' }],
    ),
    // more than the three a member may set, or a bad one among good ones
    fc
      .subarray(['👍', '🔥', '😀', '🎉', '❤️', '😢'], { minLength: 4 })
      .map((es) => es.map((emoji) => ({ type: 'emoji', emoji }))),
    fc.tuple(fc.constantFrom('👍', '🔥'), badForEmoji()).map(([good, bad]) => [
      { type: 'emoji', emoji: good },
      { type: 'emoji', emoji: bad },
    ]),
  ),
};

function badForEmoji(): fc.Arbitrary<Value> {
  return fc.constantFrom<Value>('x', '😀😀', '', '\u0000', '\ud83d', 1);
}

/** Damage the document cannot describe, by field name (e.g. that a webhook URL must be public). */
const KIND_OF_FIELD: Record<string, FieldKind> = {
  reply_markup: 'markup',
  buttons: 'buttons',
  payload: 'payload',
  menu_button: 'payload',
  scope: 'payload',
  url: 'url',
  photo: 'base64',
  document: 'base64',
  avatar: 'base64',
  public_key: 'base64',
  mime: 'mime',
  emoji: 'emoji',
  commands: 'commands',
  reaction: 'reactions',
  username: 'username',
  password: 'password',
  file_name: 'filename',
};

/** Near misses the field's name calls for, if the table above knows it. */
export const nearMissFor = (name: string): fc.Arbitrary<Value> | undefined => {
  const kind = KIND_OF_FIELD[name];
  return kind && NEAR_MISS[kind];
};

export type Input = Record<string, Value>;

/** A JSON body or parameter set that is not an object at all. */
export const notAnObject: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(null, 0, -1, true, 'string', '', [], [{}], [null]),
  fc.array(smallJson, { maxLength: 3 }),
  deepJson,
);

// ── credentials ───────────────────────────────────────────────────────────────────────

/** Header-safe garbage (Node refuses to send control characters in a header). */
const headerSafe = fc.string({
  maxLength: 60,
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});

export const randomBotKey = fc
  .string({
    minLength: 43,
    maxLength: 43,
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
  })
  .map((s) => `bot_${s}`);

/** Tokens that are not a live credential of any kind (shaped like one or not at all). */
export function badTokens(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...known),
    randomBotKey,
    randomBotKey.map((k) => `12345:${k.slice(4)}`),
    fc.constantFrom(
      'bot_',
      'bot_short',
      'null',
      'undefined',
      "' OR 1=1 --",
      'Bearer',
      'a.b.c',
      'eyJhbGciOiJIUzI1NiJ9.e30.',
      '0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '999999999999999999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'x'.repeat(8192),
    ),
    headerSafe.filter((s) => s.trim() !== ''),
  );
}
