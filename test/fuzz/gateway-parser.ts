// The gateway's parameter parser (query + JSON + urlencoded + multipart, attach:// files)
// fed raw garbage with a valid token, so every byte reaches it: truncated multipart bodies
// (cut anywhere, inside a file part too), wrong or missing boundaries, malformed part
// headers, more parts than allowed, files where strings belong, attach:// references to
// parts never sent, broken %-escapes and repeated keys in forms. Always the gateway failure
// envelope (or a 2xx where the method takes what survives), never a 5xx, never a crash,
// and nothing written for a rejected call.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { INVALID_UTF8, SQLISH, type Input } from './arbitraries';
import { GATEWAY_OPERATIONS, type FuzzOperation } from './catalogue';
import { validInputs } from './inputs';
import { PNG_B64 } from './resources';
import {
  count,
  expectGatewayError,
  fcParams,
  formBytes,
  FUZZ_TIMEOUT,
  GATEWAY_4XX,
  multipartBody,
  RUNS,
  SEED,
  send,
  Wire,
  type FilePart,
  type Fuzz,
} from './harness';

const PNG = Buffer.from(PNG_B64, 'base64');
const CRLF = '\r\n';

/** Send with a valid token; check the answer; return it. */
async function call(
  fz: Fuzz,
  m: FuzzOperation,
  contentType: string,
  body: Buffer,
  query = '',
  { mustRefuse = false } = {},
) {
  // ?timeout=0: a getUpdates whose form lost its timeout must not wait 25 s
  const wire = new Wire(
    'POST',
    `/${m.gatewayMethod!}?timeout=0${query}`,
    {
      authorization: `Bearer ${fz.ctx.bot.apiKey}`,
      'content-type': contentType,
    },
    body,
  );
  const what = wire.describe();
  const res = await send(fz.gateway, wire);
  count(fz, `parser ${m.gatewayMethod!}`, res.status);
  await fz.writes.after(res.status, what);
  if (res.status >= 500) throw new Error(`${res.status} for ${what}: ${res.text?.slice(0, 300)}`);
  if (res.status < 300) {
    if (mustRefuse) throw new Error(`unexpected ${res.status} for ${what}`);
    return res;
  }
  if (!GATEWAY_4XX.includes(res.status)) throw new Error(`status ${res.status} for ${what}`);
  expectGatewayError(res, what);
  return res;
}

const method = fc.constantFrom(...GATEWAY_OPERATIONS);

/** The method's first valid input (inputs.ts). */
const baseOf = (fz: Fuzz, m: FuzzOperation): Input => validInputs(m, fz.ctx, SEED)[0]!;

/** The method's valid parameters as multipart fields, some of them turned into file parts. */
const formOf = (fz: Fuzz, m: FuzzOperation) => {
  const base = baseOf(fz, m);
  return Object.entries(base).map(([k, v]): [string, Buffer] => [k, formBytes(v)]);
};

const garbageFile: fc.Arbitrary<FilePart> = fc.record({
  name: fc.constantFrom(
    'photo',
    'document',
    'chat_id',
    'text',
    'reply_markup',
    'commands',
    'x',
    '',
  ),
  filename: fc.constantFrom('a.png', '', 'x'.repeat(500), '../../etc/passwd', 'ü😀.bin', 'a\\b'),
  type: fc.constantFrom(
    'image/png',
    'application/octet-stream',
    'text/plain; charset=nope',
    '',
    '*/*',
  ),
  data: fc.oneof(
    fc.constant(PNG),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc.constant(Buffer.alloc(70_000, 0xab)),
  ),
});

/** The properties above, on the caller's platform (edges.test.ts). */
export function describeGatewayParser(f: { current: Fuzz }): void {
  describe('multipart garbage', () => {
    it(
      'truncated anywhere (inside a part header, a field, a file), or with the final boundary missing',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          m: method,
          files: fc.array(garbageFile, { maxLength: 3 }),
          cut: fc.double({ min: 0, max: 1, noNaN: true }),
          dropFinal: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ m, files, cut, dropFinal }) => {
            const boundary = `B${randomBytes(8).toString('hex')}`;
            let body = multipartBody(formOf(fz, m), files, boundary);
            if (dropFinal) body = body.subarray(0, body.length - `--${boundary}--${CRLF}`.length);
            else body = body.subarray(0, Math.floor(body.length * cut));
            await call(fz, m, `multipart/form-data; boundary=${boundary}`, body);
          }),
          fcParams('parser truncated', RUNS * 2),
        );
      },
      FUZZ_TIMEOUT,
    );

    it(
      'boundaries missing, wrong, quoted, overlong; malformed or missing part headers',
      async () => {
        const fz = f.current;
        const b = 'B0undary';
        const part = (headers: string, value: string) =>
          `--${b}${CRLF}${headers}${CRLF}${CRLF}${value}${CRLF}`;
        const end = `--${b}--${CRLF}`;
        const bodies: [string, string][] = [
          [
            'multipart/form-data',
            `${part('Content-Disposition: form-data; name="chat_id"', 'x')}${end}`,
          ],
          [`multipart/form-data; boundary=${b}`, `--other${CRLF}${CRLF}x${CRLF}--other--`],
          [
            `multipart/form-data; boundary="${b}"`,
            `${part('Content-Disposition: form-data; name="text"', 'hi')}${end}`,
          ],
          [
            `multipart/form-data; boundary=${'x'.repeat(200)}`,
            `--${'x'.repeat(200)}${CRLF}${CRLF}--`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `${part('Content-Type: text/plain', 'no disposition')}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `${part('Content-Disposition: form-data', 'no name')}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `${part('Content-Disposition: attachment; name="a"', 'x')}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `--${b}${CRLF}Content-Disposition form-data name=a${CRLF}${CRLF}x${CRLF}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `--${b}${CRLF}${'X-Long: '.padEnd(100_000, 'a')}${CRLF}${CRLF}x${CRLF}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `${part('Content-Disposition: form-data; name="chat_id"; filename="a"', '')}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}`,
            `${part("Content-Disposition: form-data; name*=UTF-8''%E0%A4%A", 'x')}${end}`,
          ],
          [
            `multipart/form-data; boundary=${b}; charset=nope`,
            `${part('Content-Disposition: form-data; name="a"', 'x')}${end}`,
          ],
          // a field in a charset busboy cannot decode (it hands over `undefined`)
          [
            `multipart/form-data; boundary=${b}`,
            `${part(`Content-Disposition: form-data; name="text"${CRLF}Content-Type: text/plain; charset=nope`, 'hi')}${end}`,
          ],
          // a body that ends inside a file part (its stream is destroyed with an error)
          [
            `multipart/form-data; boundary=${b}`,
            `--${b}${CRLF}Content-Disposition: form-data; name="photo"; filename="a.png"${CRLF}${CRLF}\x89PNG`,
          ],
          [`multipart/form-data; boundary=${b}`, ''],
          [`multipart/form-data; boundary=${b}`, end],
          [
            `multipart/mixed; boundary=${b}`,
            `${part('Content-Disposition: form-data; name="a"', 'x')}${end}`,
          ],
          ['multipart/form-data; boundary=', '--\r\n\r\n'],
        ];
        await fc.assert(
          fc.asyncProperty(method, fc.constantFrom(...bodies), async (m, [type, body]) => {
            await call(fz, m, type, Buffer.from(body));
          }),
          fcParams('parser boundaries', RUNS * 2),
        );
      },
      FUZZ_TIMEOUT,
    );

    it(
      'more fields or files than allowed, files where strings belong, attach:// to nothing',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          m: method,
          extraFields: fc.oneof(fc.constant(0), fc.integer({ min: 95, max: 300 })),
          extraFiles: fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 30 })),
          asFile: fc.boolean(),
          attach: fc.constantFrom(
            undefined,
            'attach://missing',
            'attach://',
            'attach://../../x',
            'attach://f0',
            `attach://${'x'.repeat(300)}`,
          ),
          into: fc.constantFrom('photo', 'document', 'chat_id', 'text', 'reply_markup', 'media'),
          files: fc.array(garbageFile, { maxLength: 2 }),
        });
        await fc.assert(
          fc.asyncProperty(
            arb,
            async ({ m, extraFields, extraFiles, asFile, attach, into, files }) => {
              const boundary = `B${randomBytes(8).toString('hex')}`;
              let fields = formOf(fz, m);
              const parts: FilePart[] = [...files];
              if (asFile && fields.length > 0) {
                // the first parameter travels as a file part instead of a string
                const [[name, value], ...rest] = fields as [
                  [string, Buffer],
                  ...[string, Buffer][],
                ];
                parts.push({ name, filename: `${name}.txt`, type: 'text/plain', data: value });
                fields = rest;
              }
              if (attach) {
                const ref =
                  into === 'media' ? JSON.stringify([{ type: 'photo', media: attach }]) : attach;
                fields = [...fields.filter(([k]) => k !== into), [into, Buffer.from(ref)]];
              }
              for (let i = 0; i < extraFields; i++) fields.push([`f${i}`, Buffer.from(String(i))]);
              for (let i = 0; i < extraFiles; i++)
                parts.push({ name: `f${i}`, filename: `f${i}.png`, type: 'image/png', data: PNG });
              const body = multipartBody(fields, parts, boundary);
              await call(fz, m, `multipart/form-data; boundary=${boundary}`, body);
            },
          ),
          fcParams('parser counts', RUNS * 2),
        );
      },
      FUZZ_TIMEOUT,
    );
  });

  describe('urlencoded and query garbage', () => {
    it(
      'broken %-escapes, repeated keys, bare keys, prototype keys, invalid UTF-8, undecodable JSON parameters',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          m: method,
          junk: fc.oneof(
            fc.constantFrom(
              '%',
              '%%',
              '%ZZ',
              'chat_id=%E0%A4%A',
              '&&&',
              '=x',
              'a',
              '__proto__=x&constructor=y&__proto__[polluted]=1',
              'reply_markup=%7B',
              'commands=%5B',
              'allowed_updates=1',
              'reaction=%7B%7D',
              'reply_markup=attach%3A%2F%2Fx',
              'photo=attach%3A%2F%2Fphoto',
              'text=%00',
              'text=%ED%A0%80',
              'text=%C0%AF',
              'timeout=abc&limit=1e999&offset=-1',
            ),
            fc.constantFrom(...SQLISH).map((s) => `chat_id=${encodeURIComponent(s)}`),
            fc
              .constantFrom(...INVALID_UTF8)
              .map(
                (b) => `text=${[...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')}`,
              ),
            fc
              .integer({ min: 900, max: 1500 })
              .map((n) => Array.from({ length: n }, (_, i) => `k${i}=${i}`).join('&')),
          ),
          repeat: fc.boolean(),
          where: fc.constantFrom('body', 'query'),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ m, junk, repeat, where }) => {
            const base = formOf(fz, m).map(([k, v]) => `${k}=${encodeURIComponent(v.toString())}`);
            // repeated keys arrive as arrays (chat_id=a&chat_id=b)
            const form = [...base, ...(repeat ? base : []), junk].join('&');
            if (where === 'body') {
              await call(fz, m, 'application/x-www-form-urlencoded', Buffer.from(form));
            } else {
              await call(fz, m, 'application/json', Buffer.from('{}'), `&${form}`);
            }
          }),
          fcParams('parser forms', RUNS * 2),
        );
      },
      FUZZ_TIMEOUT,
    );
  });

  describe('prototype keys', () => {
    it(
      '`__proto__` and `constructor` carry no parameters (the parameters object is not re-prototyped)',
      async () => {
        const fz = f.current;
        const needy = GATEWAY_OPERATIONS.filter((m) => (m.schema?.required ?? []).length > 0);
        const arb = fc.record({
          m: fc.constantFrom(...needy),
          key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
          nest: fc.constantFrom('plain', 'prototype'),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ m, key, nest }) => {
            const base = baseOf(fz, m);
            const inner = nest === 'plain' ? base : { prototype: base };
            // JSON.parse makes `__proto__` an own key; only an assignment would re-prototype
            const body = Buffer.from(`{${JSON.stringify(key)}:${JSON.stringify(inner)}}`);
            const res = await call(fz, m, 'application/json', body, '', { mustRefuse: true });
            expect(res.status).toBe(400);
          }),
          fcParams('parser proto', RUNS),
        );
      },
      FUZZ_TIMEOUT,
    );
  });
}
