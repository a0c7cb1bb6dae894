// What goes wrong before an endpoint's own validation, fuzzed across every endpoint: refused
// credentials (always exactly 401), deep JSON, bodies over the limits (413), broken
// %-escapes and traversal in paths, methods a path does not have, invalid UTF-8 — each in
// its dialect's envelope, never a 5xx, nothing written — and the 429 envelope of both
// dialects with the rate limit on.
import fc from 'fast-check';
import supertest from 'supertest';
import { bearer, botAuth, userBotChat } from '../support/fixtures';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { deepJson, INVALID_UTF8, PATHISH, type Input } from './arbitraries';
import {
  documentedOperations,
  expressPath,
  GATEWAY_OPERATIONS,
  REST_OPERATIONS,
  type FuzzOperation,
  type HttpMethod,
} from './catalogue';
import { validInputs } from './inputs';
import { knownParam } from './resources';
import {
  count,
  expectGatewayError,
  expectQuantaError,
  fcParams,
  formBytes,
  formEncode,
  FUZZ_TIMEOUT,
  jsonBytes,
  multipartBody,
  pct,
  RUNS,
  SEED,
  send,
  validPath,
  Wire,
  type Fuzz,
  type Res,
} from './harness';

/** The routes that answer in `{error}` (the registry's answer in the gateway's envelope). */
const REST_ENDPOINTS = REST_OPERATIONS.filter((o) => o.dialect === 'quanta');
const BODY_ENDPOINTS = REST_ENDPOINTS.filter((e) => e.input === 'body');
const AUTHED = REST_ENDPOINTS.filter((e) => e.auth !== 'none');
type RestEndpoint = FuzzOperation;

const pathOf = (fz: Fuzz, ep: RestEndpoint) => validPath(ep, fz.ctx);
/** The operation's first valid input (inputs.ts). */
const baseOf = (fz: Fuzz, ep: FuzzOperation): Input => validInputs(ep, fz.ctx, SEED)[0]!;

function authOf(fz: Fuzz, ep: RestEndpoint): Record<string, string> {
  if (ep.auth === 'bot') return { 'x-bot-token': fz.ctx.bot.apiKey };
  if (ep.auth === 'user') return { authorization: `Bearer ${fz.ctx.user.token}` };
  return {};
}

/** A rejected REST request: 4xx in {error}, and the tables as they were. */
async function rejectedRest(fz: Fuzz, wire: Wire, statuses: number[]): Promise<Res> {
  const what = wire.describe();
  const res = await send(fz.api, wire);
  count(fz, 'transport', res.status);
  await fz.writes.after(res.status, what);
  if (!statuses.includes(res.status))
    throw new Error(
      `${res.status} (want ${statuses.join(',')}) for ${what}: ${res.text?.slice(0, 200)}`,
    );
  expectQuantaError(res, what);
  return res;
}

async function rejectedGateway(fz: Fuzz, agent: 'api' | 'gateway', wire: Wire, statuses: number[]) {
  const what = wire.describe();
  const res = await send(agent === 'api' ? fz.api : fz.gateway, wire);
  count(fz, 'transport', res.status);
  await fz.writes.after(res.status, what);
  if (!statuses.includes(res.status))
    throw new Error(
      `${res.status} (want ${statuses.join(',')}) for ${what}: ${res.text?.slice(0, 200)}`,
    );
  expectGatewayError(res, what);
  return res;
}

/** The properties above, on the caller's platform (edges.test.ts). */
export function describeTransport(f: { current: Fuzz }): void {
  describe('refused credentials are a 401 on every endpoint, whatever else the request holds', () => {
    it(
      'messenger and Quanta routes',
      async () => {
        const fz = f.current;
        // (each list holds the other kind's valid credential: a bot key is no JWT, and vice versa)
        const refused = (ep: RestEndpoint) =>
          ep.auth === 'bot' ? fz.ctx.badBotTokens : fz.ctx.badJwts;
        const arb = fc.constantFrom(...AUTHED).chain((ep) =>
          fc.record({
            ep: fc.constant(ep),
            how: fc.constantFrom('bad', 'missing', 'wrong-header'),
            token: fc.constantFrom(...refused(ep), 'bot_x', "' OR 1=1 --"),
            body: fc.constantFrom<Input>(
              {},
              { content: 'x', chat_id: fz.ctx.chatId },
              { emoji: '👍' },
            ),
          }),
        );
        await fc.assert(
          fc.asyncProperty(arb, async ({ ep, how, token, body }) => {
            const headers: Record<string, string> = {};
            const name = ep.auth === 'bot' ? 'x-bot-token' : 'authorization';
            if (how === 'bad') headers[name] = ep.auth === 'bot' ? token : `Bearer ${token}`;
            // the right credential in the other dialect's header is no credential here
            if (how === 'wrong-header') {
              if (ep.auth === 'bot') headers.authorization = `Bearer ${fz.ctx.bot.apiKey}`;
              else headers.authorization = `Token ${fz.ctx.user.token}`;
            }
            const wire =
              ep.input === 'body'
                ? new Wire(
                    ep.method,
                    pathOf(fz, ep),
                    { ...headers, 'content-type': 'application/json' },
                    jsonBytes(body),
                  )
                : new Wire(ep.method, pathOf(fz, ep), headers);
            await rejectedRest(fz, wire, [401]);
          }),
          fcParams('401 rest', RUNS * 2),
        );
      },
      FUZZ_TIMEOUT,
    );

    it(
      'gateway methods, in both token forms and on both listeners',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          m: fc.constantFrom(...GATEWAY_OPERATIONS),
          token: fc.constantFrom(...fz.ctx.badBotTokens, 'bot_x', '123:abc', "' OR 1=1 --", '%ZZ'),
          style: fc.constantFrom('path', 'bearer', 'none', 'basic'),
          mount: fc.constantFrom<'api' | 'gateway'>('api', 'gateway'),
          // the body is never even read: garbage in it must not change the answer
          body: fc.constantFrom('{', '{"chat_id":"x"}', '\u0000', ''),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ m, token, style, mount, body }) => {
            const prefix = mount === 'api' ? '/gateway' : '';
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            let path = `${prefix}/${m.gatewayMethod!}`;
            if (style === 'path')
              path = `${prefix}/bot${token === '%ZZ' ? token : pct(token)}/${m.gatewayMethod!}`;
            if (style === 'bearer') headers.authorization = `Bearer ${token}`;
            if (style === 'basic')
              headers.authorization = `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;
            const res = await rejectedGateway(
              fz,
              mount,
              new Wire('POST', path, headers, Buffer.from(body)),
              [401],
            );
            expect(res.body.description).toBe('Unauthorized');
          }),
          fcParams('401 gateway', RUNS * 2),
        );
      },
      FUZZ_TIMEOUT,
    );
  });

  describe('deeply nested JSON is a 400, never a stack overflow', () => {
    const TOO_DEEP = 'JSON must not nest deeper than 64 levels';

    it(
      'as any field of any JSON body (messenger, Quanta)',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          ep: fc.constantFrom(...BODY_ENDPOINTS),
          deep: deepJson,
          key: fc.string({ maxLength: 8 }),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ ep, deep, key }) => {
            const base = baseOf(fz, ep);
            const body = jsonBytes({ ...base, [key]: deep });
            const wire = new Wire(
              ep.method,
              pathOf(fz, ep),
              { ...authOf(fz, ep), 'content-type': 'application/json' },
              body,
            );
            const res = await rejectedRest(fz, wire, [400, 413]);
            if (res.status === 400) expect(res.body.error).toBe(TOO_DEEP);
          }),
          fcParams('deep rest'),
        );
      },
      FUZZ_TIMEOUT,
    );

    it(
      'as a gateway parameter, in a JSON body or JSON-encoded in a form',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          m: fc.constantFrom(...GATEWAY_OPERATIONS),
          deep: deepJson,
          name: fc.constantFrom(
            'reply_markup',
            'commands',
            'allowed_updates',
            'reaction',
            'media',
            'x',
          ),
          encoding: fc.constantFrom('json', 'form', 'multipart', 'query'),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ m, deep, name, encoding }) => {
            const params: Input = { ...baseOf(fz, m), [name]: deep, timeout: 0 };
            const path = `/bot${fz.ctx.bot.telegramToken}/${m.gatewayMethod!}`;
            let wire: Wire;
            if (encoding === 'json')
              wire = new Wire(
                'POST',
                path,
                { 'content-type': 'application/json' },
                jsonBytes(params),
              );
            else if (encoding === 'form') {
              wire = new Wire(
                'POST',
                path,
                { 'content-type': 'application/x-www-form-urlencoded' },
                Buffer.from(formEncode(params)),
              );
            } else if (encoding === 'query')
              wire = new Wire('GET', `${path}?${formEncode(params)}`, {});
            else {
              const fields = Object.entries(params).map(([k, v]): [string, Buffer] => [
                k,
                formBytes(v),
              ]);
              wire = new Wire(
                'POST',
                path,
                { 'content-type': 'multipart/form-data; boundary=B0und' },
                multipartBody(fields, [], 'B0und'),
              );
            }
            const res = await send(fz.gateway, wire);
            count(fz, 'transport', res.status);
            await fz.writes.after(res.status, wire.describe());
            if (res.status === 431) return; // a deep query string over Node's 16 KiB head limit
            // Only the JSON parameters are decoded from forms: elsewhere the deep text is just text.
            if (res.status < 300) {
              expect(
                encoding !== 'json' &&
                  !['reply_markup', 'commands', 'allowed_updates', 'reaction', 'media'].includes(
                    name,
                  ),
              ).toBe(true);
              return;
            }
            expectGatewayError(res, wire.describe());
            // 409: getUpdates once a setWebhook in an earlier run (its url valid) took effect
            expect([400, 409, 413]).toContain(res.status);
          }),
          fcParams('deep gateway'),
        );
      },
      FUZZ_TIMEOUT,
    );

    it('still takes nesting within the limit (a payload 60 levels deep is stored and echoed)', async () => {
      const fz = f.current;
      const payload = { deep: JSON.parse('['.repeat(60) + '1' + ']'.repeat(60)) };
      const res = await fz.api
        .post('/api/v1/bot/send-message')
        .set(botAuth(fz.ctx.bot))
        .send({ chat_id: fz.ctx.chatId, content: 'deep', payload })
        .expect(200);
      expect(res.body.message.payload).toEqual({ ...payload, is_bot: true });
      await fz.writes.reset();
    });
  });

  describe('bodies over the limits are a 413 in the envelope', () => {
    it(
      'a JSON body over BODY_LIMIT (1 MB) on every JSON route, over the media limit on media routes',
      async () => {
        const fz = f.current;
        for (const ep of BODY_ENDPOINTS) {
          const big = jsonBytes({ ...baseOf(fz, ep), filler: 'x'.repeat(1024 * 1024 + 10) });
          const wire = new Wire(
            ep.method,
            pathOf(fz, ep),
            { ...authOf(fz, ep), 'content-type': 'application/json' },
            big,
          );
          const res = await rejectedRest(fz, wire, [413]);
          expect(res.body.error).toBe('request body too large');
        }
      },
      FUZZ_TIMEOUT,
    );

    it(
      'a gateway request over GATEWAY_BODY_LIMIT, as JSON, a form or a multipart upload',
      async () => {
        const fz = f.current;
        const path = `/bot${fz.ctx.bot.telegramToken}/sendDocument`;
        const huge = Buffer.alloc(2 * 1024 * 1024 + 1, 0x61);
        const bodies: [string, Buffer][] = [
          [
            'application/json',
            Buffer.concat([Buffer.from('{"document":"'), huge, Buffer.from('"}')]),
          ],
          ['application/x-www-form-urlencoded', Buffer.concat([Buffer.from('document='), huge])],
          [
            'multipart/form-data; boundary=B0und',
            multipartBody(
              [['chat_id', Buffer.from(fz.ctx.chatId)]],
              [
                {
                  name: 'document',
                  filename: 'a.bin',
                  type: 'application/octet-stream',
                  data: huge,
                },
              ],
              'B0und',
            ),
          ],
        ];
        for (const [type, body] of bodies) {
          for (const mount of ['gateway', 'api'] as const) {
            const wire = new Wire(
              'POST',
              `${mount === 'api' ? '/gateway' : ''}${path}`,
              { 'content-type': type },
              body,
            );
            await rejectedGateway(fz, mount, wire, [413]);
          }
        }
      },
      FUZZ_TIMEOUT,
    );
  });

  describe('paths', () => {
    it(
      'malformed ids, broken %-escapes and traversal in every path parameter',
      async () => {
        const fz = f.current;
        const withParams = REST_ENDPOINTS.filter((e) => e.pathParams.length > 0);
        const arb = fc.record({
          ep: fc.constantFrom(...withParams),
          raw: fc.oneof(
            fc.constantFrom(...PATHISH),
            fc.string({ maxLength: 30 }).map((s) => pct(s)),
            fc.constantFrom(
              '%C0%AE%C0%AE',
              '%u002e',
              '%2',
              '%%',
              '%00%00',
              '..%00',
              '%ED%A0%80',
              'x'.repeat(3000),
            ),
          ),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ ep, raw }) => {
            const name = ep.pathParams[0]!;
            const path = expressPath(ep.path).replace(/:(\w+)/g, (_m, n: string) =>
              n === name ? raw : pct(knownParam(ep.key, n, fz.ctx)),
            );
            const wire = new Wire(
              ep.method,
              path,
              authOf(fz, ep),
              ep.input === 'body' ? jsonBytes(baseOf(fz, ep)) : undefined,
            );
            if (wire.body) wire.headers['content-type'] = 'application/json';
            const res = await send(fz.api, wire);
            count(fz, 'transport', res.status);
            await fz.writes.after(res.status, wire.describe());
            // a traversal can land on another route, where the valid body may well be accepted
            if (res.status < 300) return;
            expect([400, 401, 403, 404, 409]).toContain(res.status);
            expectQuantaError(res, wire.describe());
          }),
          fcParams('paths'),
        );
        const res = await fz.api
          .get('/api/v1/chats/%ZZ/messages')
          .set(bearer(fz.ctx.user))
          .expect(400);
        expect(res.body).toEqual({ error: 'malformed %-encoding in the URL path' });
      },
      FUZZ_TIMEOUT,
    );

    it(
      'a method a path does not have, and paths that do not exist: 404 {error: "not found"}',
      async () => {
        const fz = f.current;
        // what each path has, by the document (test/docs proves it is what the api serves)
        const documented = new Set(documentedOperations().map((o) => o.key));
        const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
        let checked = 0;
        const paths = new Map(
          REST_ENDPOINTS.filter((o) => o.surface !== 'platform').map((o) => [o.path, o]),
        );
        for (const ep of paths.values()) {
          for (const method of methods) {
            if (documented.has(`${method} ${ep.path}`)) continue;
            const wire = new Wire(method, pathOf(fz, ep), authOf(fz, ep));
            // bot routes authenticate the key first (it is valid here): still a 404
            const res = await rejectedRest(fz, wire, [404]);
            expect(res.body).toEqual({ error: 'not found' });
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(100);
        for (const path of [
          '/api/v2/chats',
          '/api/v1/',
          '/api/v1/bot/sendMessage',
          '/api/v1/chats/x/y/z/w',
          '/.env',
        ]) {
          await rejectedRest(
            fz,
            new Wire('GET', path, { authorization: `Bearer ${fz.ctx.user.token}` }),
            [404],
          );
        }
      },
      FUZZ_TIMEOUT,
    );

    it(
      'gateway methods that do not exist: 404 in the gateway envelope (after the token)',
      async () => {
        const fz = f.current;
        const arb = fc.oneof(
          fc.constantFrom(
            'getFiles',
            'sendVideo',
            'getMeX',
            'get me',
            '__proto__',
            'constructor',
            'toString',
            '',
            '..',
            '%ZZ',
          ),
          fc.string({ maxLength: 20 }),
        );
        await fc.assert(
          fc.asyncProperty(arb, async (name) => {
            const path = `/bot${fz.ctx.bot.telegramToken}/${name === '%ZZ' ? name : pct(name)}`;
            const res = await send(fz.gateway, new Wire('POST', path, {}));
            count(fz, 'transport', res.status);
            if (
              GATEWAY_OPERATIONS.some((m) => m.gatewayMethod!.toLowerCase() === name.toLowerCase())
            )
              return;
            await fz.writes.after(res.status, path);
            expect(res.status).toBe(404);
            expectGatewayError(res, path);
          }),
          fcParams('unknown methods'),
        );
      },
      FUZZ_TIMEOUT,
    );

    it('an oversize request head is refused by Node itself (431), and the process lives on', async () => {
      const fz = f.current;
      const res = await fz.api
        .get(`/api/v1/chats?x=${'a'.repeat(20_000)}`)
        .set(bearer(fz.ctx.user));
      expect(res.status).toBe(431);
      await fz.api.get('/health').expect(200);
    });
  });

  describe('body encodings', () => {
    it(
      'invalid UTF-8, wrong charsets, unknown or broken content encodings on every JSON route',
      async () => {
        const fz = f.current;
        const arb = fc.record({
          ep: fc.constantFrom(...BODY_ENDPOINTS),
          bytes: fc.constantFrom(...INVALID_UTF8),
          where: fc.constantFrom('value', 'key', 'bare'),
          type: fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'application/json; charset=latin1',
            'application/json; charset=utf-16le',
            'application/json; charset=nope',
          ),
          encoding: fc.constantFrom(undefined, undefined, 'gzip', 'deflate', 'br', 'compress'),
        });
        await fc.assert(
          fc.asyncProperty(arb, async ({ ep, bytes, where, type, encoding }) => {
            const base = jsonBytes(baseOf(fz, ep));
            const inner =
              where === 'value'
                ? Buffer.concat([
                    Buffer.from('{"content":"'),
                    bytes,
                    Buffer.from('",'),
                    base.subarray(1),
                  ])
                : where === 'key'
                  ? Buffer.concat([Buffer.from('{"'), bytes, Buffer.from('":1,'), base.subarray(1)])
                  : bytes;
            const headers: Record<string, string> = { ...authOf(fz, ep), 'content-type': type };
            if (encoding) headers['content-encoding'] = encoding;
            const wire = new Wire(ep.method, pathOf(fz, ep), headers, inner);
            const res = await send(fz.api, wire);
            count(fz, 'transport', res.status);
            await fz.writes.after(res.status, wire.describe());
            if (res.status < 300) {
              // The decoder replaces invalid UTF-8 with U+FFFD, and the bytes sit in an extra
              // key (or its value) beside a valid body: accepted like any unknown key. Never bare.
              expect(where).not.toBe('bare');
              return;
            }
            expect([400, 401, 403, 404, 409, 413, 415]).toContain(res.status);
            expectQuantaError(res, wire.describe());
            if (encoding && encoding !== 'gzip' && encoding !== 'deflate' && encoding !== 'br')
              expect(res.status).toBe(415);
            if (/latin1|nope/.test(type)) expect(res.status).toBe(415);
          }),
          fcParams('encodings'),
        );
      },
      FUZZ_TIMEOUT,
    );
  });

  describe('429 with the rate limit on', () => {
    let p: TestPlatform;
    beforeAll(async () => {
      p = await startTestPlatform({ RATE_LIMIT_PER_BOT: '2' });
    });
    afterAll(async () => {
      await p?.close();
    });

    it('comes in each dialect’s envelope, with Retry-After', async () => {
      const { bot } = await userBotChat(p.http);
      const burst = await Promise.all(
        Array.from({ length: 6 }, () => p.http.get('/api/v1/bot/me').set(botAuth(bot))),
      );
      const limited = burst.find((r) => r.status === 429)!;
      expect(limited).toBeDefined();
      expectQuantaError(limited, 'quanta 429');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const gw = supertest(p.platform.gateway);
      const gwBurst = await Promise.all(
        Array.from({ length: 6 }, () => gw.get(`/bot${bot.telegramToken}/getMe`)),
      );
      const gwLimited = gwBurst.find((r) => r.status === 429)!;
      expect(gwLimited).toBeDefined();
      expectGatewayError(gwLimited, 'gateway 429');
      expect(gwLimited.body.parameters.retry_after).toBe(Number(gwLimited.headers['retry-after']));
      // and a bad token is still a 401, not counted against anyone
      await p.http.get('/api/v1/bot/me').set('x-bot-token', 'bot_nope').expect(401);
    });
  });
}
