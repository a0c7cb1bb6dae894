// The fuzz suite's machinery: a platform with a populated context, requests built from
// generated cases and put on the wire byte for byte, the envelope/status checks, and the
// "nothing was written" check (a fingerprint of every table around each rejected request).
//
// Runs are deterministic: every property uses the same fixed seed. Override with
//   FUZZ_RUNS=<runs per endpoint> (default 50)  FUZZ_SEED=<integer> (default 20260707)
// e.g. `FUZZ_RUNS=500 FUZZ_SEED=$RANDOM npx jest test/fuzz` for a longer, different search;
// a failure prints the seed and path fast-check needs to replay it, and the request as sent.
// FUZZ_VERBOSE=1 prints each endpoint's 2xx/4xx counts; FUZZ_TRACE=1 every gateway call.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import type { Pool } from 'pg';
import supertest from 'supertest';
import {
  acceptInvitations,
  bearer,
  botAuth,
  openChat,
  registerBot,
  registerUser,
  say,
  userBotChat,
  type TestUser,
} from '../support/fixtures';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import {
  BadBytes,
  badTokens,
  damaged,
  INVALID_UTF8,
  PATHISH,
  RawJson,
  SQLISH,
  UNICODEISH,
  type Input,
  type Value,
} from './arbitraries';
import { PNG_B64, type Ctx, type GatewayMethod, type RestEndpoint } from './endpoints';
import { PROCESS_ERRORS_KEY } from './process-env';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
export const SEED = Number(process.env.FUZZ_SEED ?? 20260707);
/** Each endpoint gets its own stream (same seed, different key), so they do not run in lockstep. */
export const fcParams = (key: string, runs = RUNS): fc.Parameters<unknown> => ({
  numRuns: runs,
  seed: (SEED + [...key].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 0)) | 0,
});

/** Per endpoint test: room for the runs plus a shrink on failure. */
export const FUZZ_TIMEOUT = 120_000;

/** The platform under fuzz: rate limits off (429s would mask everything), strict webhooks, small media. */
export const FUZZ_ENV = {
  RATE_LIMIT_PER_BOT: '0',
  USER_WRITES_PER_MINUTE: '0',
  GROUPS_PER_USER_PER_DAY: '0',
  LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '0',
  LOGIN_FAILURES_PER_IP_PER_DAY: '0',
  LOGIN_FAILURES_BEFORE_BACKOFF: '0',
  WEBHOOK_ALLOW_HTTP: 'false',
  WEBHOOK_ALLOW_PRIVATE: 'false',
  MEDIA_MAX_BYTES: '65536',
  GATEWAY_BODY_LIMIT: '2mb',
};

/** What a client may get for bad input: never a 5xx (and never 429: the limit is off). */
export const REST_4XX = [400, 401, 403, 404, 409, 413, 415];
/** The gateway answers a known method's missing chat/message with 400, never 404. */
export const GATEWAY_4XX = [400, 401, 403, 409, 413, 415];

// ── the platform and its context ──────────────────────────────────────────────────────

export interface Fuzz {
  t: TestPlatform;
  ctx: Ctx;
  api: ReturnType<typeof supertest>;
  gateway: ReturnType<typeof supertest>;
  writes: WriteWatch;
  stats: Map<string, { ok: number; rejected: number }>;
}

function listening(app: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** beforeAll/afterAll wiring for a fuzz file; read `.current` inside tests. */
export function useFuzzPlatform(env: Record<string, string> = {}): { current: Fuzz } {
  const ref = {} as { current: Fuzz };
  let servers: Server[] = [];
  beforeAll(async () => {
    const t = await startTestPlatform({ ...FUZZ_ENV, ...env });
    servers = [await listening(t.platform.api), await listening(t.platform.gateway)];
    const [api, gateway] = servers.map((s) => supertest(s));
    const ctx = await buildContext(t);
    const writes = new WriteWatch(t.platform.sql);
    await writes.reset();
    ref.current = { t, ctx, api: api!, gateway: gateway!, writes, stats: new Map() };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    if (process.env.FUZZ_VERBOSE && ref.current) printStats(ref.current.stats);
    await ref.current?.t.close();
  });
  return ref;
}

function printStats(stats: Fuzz['stats']): void {
  const lines = [...stats].map(
    ([k, s]) => `${String(s.ok).padStart(4)} 2xx ${String(s.rejected).padStart(4)} 4xx  ${k}`,
  );
  console.log(lines.join('\n'));
}

const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const signJwt = (secret: string, claims: object) =>
  jwt.sign(claims, secret, { algorithm: 'HS256' });
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function buildContext(t: TestPlatform): Promise<Ctx> {
  const { http } = t;
  // With an uploaded avatar, so GET /bot/avatar/:bot_id has bytes to serve.
  const { user, bot, chatId } = await userBotChat(http, { avatar: PNG_1X1 });
  const peer = await registerUser(http);
  const group = await http
    .post('/api/v1/chats')
    .set(bearer(user))
    .send({ type: 'group', title: 'Fuzz', member_ids: [peer.id], bot_ids: [bot.id] })
    .expect(201);
  await acceptInvitations(http, peer);
  const outsider = await registerUser(http);
  const newGroup = async (owner: TestUser, body: object) =>
    (
      await http
        .post('/api/v1/chats')
        .set(bearer(owner))
        .send({ type: 'group', title: 'Fuzz', ...body })
        .expect(201)
    ).body.chat.id as string;
  const leaveGroupId = await newGroup(user, { bot_ids: [bot.id] });
  const removeGroupId = await newGroup(user, { bot_ids: [bot.id] });
  await newGroup(outsider, { member_ids: [user.id] });
  await newGroup(outsider, { member_ids: [user.id] });
  const invited = await http.get('/api/v1/invitations').set(bearer(user)).expect(200);
  const [acceptInvitation, declineInvitation] = invited.body.invitations as { id: string }[];
  const outsiderBot = await registerBot(http, outsider);
  const outsiderChatId = await openChat(http, outsider, outsiderBot);
  const userMsg = await say(http, user, chatId, 'hello bot');
  const userDelete = await say(http, user, chatId, 'delete me');
  const send = async (method: string, body: object) =>
    (
      await http
        .post(`/api/v1/bot/${method}`)
        .set(botAuth(bot))
        .send({ chat_id: chatId, ...body })
        .expect(200)
    ).body.message as { id: string; media?: { id: string } };
  const buttons = await send('send-message', {
    content: 'Pick',
    payload: { buttons: [[{ text: 'Yes', callback_data: 'yes' }]] },
  });
  const text = await send('send-message', { content: 'plain text' });
  const webApp = await send('send-message', {
    content: 'Open the app',
    payload: { buttons: [[{ text: 'Open', web_app: { url: 'https://example.com/app' } }]] },
  });
  const doomed = await send('send-message', { content: 'delete me too' });
  const poll = await send('send-poll', { question: 'Q?', options: ['a', 'b'] });
  const photo = await send('send-photo', { photo: PNG_B64, mime: 'image/png', w: 1, h: 1 });
  const tap = await http
    .post(`/api/v1/chats/${chatId}/messages/${buttons.id}/callback`)
    .set(bearer(user))
    .send({ callback_data: 'yes' })
    .expect(202);
  const victim = await registerBot(http, user);
  const dead = await registerBot(http, user);
  await http.delete(`/api/v1/bot/delete/${dead.id}`).set(bearer(user)).expect(200);

  const secret = t.config.JWT_SECRET;
  const now = Math.floor(Date.now() / 1000);
  const valid = signJwt(secret, { sub: user.id, exp: now + 3600 });
  const [head, , sig] = valid.split('.');
  const badJwts = [
    signJwt(secret, { sub: user.id, exp: now - 60 }), // expired
    signJwt('not-the-secret-not-the-secret-not-the-secret', { sub: user.id, exp: now + 3600 }), // forged
    `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: user.id, exp: now + 3600 })}.`, // alg none
    jwt.sign({ sub: user.id, exp: now + 3600 }, secret, { algorithm: 'HS384' }), // other algorithm
    `${head}.${b64url({ sub: peer.id, exp: now + 3600 })}.${sig}`, // payload swapped
    signJwt(secret, { sub: bot.userId, exp: now + 3600 }), // a bot's user: not a person
    signJwt(secret, { sub: randomUUID(), exp: now + 3600 }), // nobody
    signJwt(secret, { sub: "' OR 1=1 --", exp: now + 3600 }), // not an id
    signJwt(secret, { exp: now + 3600 }), // no subject
    bot.apiKey, // a bot key where a JWT belongs
  ];
  const secretOf = (key: string) => key.slice(4);
  const badBotTokens = [
    dead.apiKey, // a key for a deleted bot
    dead.telegramToken,
    `${outsiderBot.telegramToken.split(':')[0]}:${secretOf(bot.apiKey)}`, // digits of another bot
    `${bot.apiKey.slice(0, -1)}${bot.apiKey.endsWith('A') ? 'B' : 'A'}`, // one character off
    user.token, // a JWT where a bot key belongs
  ];
  return {
    user,
    bot,
    peer,
    outsider,
    outsiderBot,
    chatId,
    groupId: group.body.chat.id,
    leaveGroupId,
    removeGroupId,
    acceptInvitationId: acceptInvitation!.id,
    declineInvitationId: declineInvitation!.id,
    outsiderChatId,
    userMsgId: userMsg.id,
    userDeleteMsgId: userDelete.id,
    botButtonsMsgId: buttons.id,
    webAppMsgId: webApp.id,
    botTextMsgId: text.id,
    botDeleteMsgId: doomed.id,
    pollMsgId: poll.id,
    mediaId: photo.media!.id,
    callbackId: tap.body.callback_id,
    victimBotId: victim.id,
    badJwts,
    badBotTokens,
  };
}

// ── "nothing was written" ─────────────────────────────────────────────────────────────

/**
 * A fingerprint of every table (row count and an MD5 of all rows' text), compared around
 * each rejected request: a 4xx must leave every row of every table as it was. Stronger than
 * counting rows: an UPDATE of a rejected request shows too.
 */
export class WriteWatch {
  private last: Record<string, string> = {};
  private query?: string;

  constructor(private readonly sql: Pool) {}

  async fingerprint(): Promise<Record<string, string>> {
    if (!this.query) {
      const { rows } = await this.sql.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            AND table_name <> '_prisma_migrations' ORDER BY 1`,
      );
      if (rows.length < 10) throw new Error(`only ${rows.length} tables found`);
      this.query = rows
        .map(
          ({ name }) =>
            `SELECT '${name}' AS t, count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') AS v FROM "${name}" x`,
        )
        .join(' UNION ALL ');
    }
    const { rows } = await this.sql.query<{ t: string; v: string }>(this.query);
    return Object.fromEntries(rows.map((r) => [r.t, r.v]));
  }

  async reset(): Promise<void> {
    this.last = await this.fingerprint();
  }

  /** After a request: a rejected one must not have changed any table. */
  async after(status: number, what: string): Promise<void> {
    const now = await this.fingerprint();
    if (status >= 400) {
      const changed = Object.keys(now).filter((k) => now[k] !== this.last[k]);
      if (changed.length > 0) {
        this.last = now;
        throw new Error(`${status} for ${what}, yet it wrote to: ${changed.join(', ')}`);
      }
    }
    this.last = now;
  }
}

// ── on the wire ───────────────────────────────────────────────────────────────────────

/** One request, exactly as sent (bodies as bytes). */
export class Wire {
  constructor(
    readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    readonly path: string,
    readonly headers: Record<string, string>,
    readonly body?: Buffer,
  ) {}

  /** Bytes of the request line and headers (Node answers 431 itself above 16 KiB). */
  headBytes(): number {
    return (
      this.path.length +
      Object.entries(this.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0)
    );
  }

  describe(): string {
    const body = this.body
      ? ` body(${this.body.length}B)=${JSON.stringify(this.body.subarray(0, 300).toString('latin1'))}`
      : '';
    const headers = Object.entries(this.headers)
      .map(([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}…` : v}`)
      .join('; ');
    const path = this.path.length > 300 ? `${this.path.slice(0, 300)}…` : this.path;
    return `${this.method} ${path} [${headers}]${body}`;
  }
}

export type Res = Awaited<ReturnType<ReturnType<typeof supertest>['get']>>;

export async function send(agent: ReturnType<typeof supertest>, w: Wire): Promise<Res> {
  const verb = w.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = agent[verb](w.path).timeout(15_000);
  for (const [k, v] of Object.entries(w.headers)) req = req.set(k, v);
  if (w.body === undefined) return await req;
  // The bytes as they are: superagent would otherwise run a Buffer through the serializer of
  // its content type (JSON.stringify → {"type":"Buffer","data":[…]}).
  return await req.serialize((b: unknown) => b as string).send(w.body);
}

/** JSON text of a generated value, with RawJson spliced and BadBytes as raw string bytes. */
export function jsonBytes(v: Value | undefined): Buffer {
  const parts: Buffer[] = [];
  const put = (x: Value | undefined): void => {
    if (x instanceof RawJson) parts.push(Buffer.from(x.text));
    else if (x instanceof BadBytes) parts.push(Buffer.from('"'), x.bytes, Buffer.from('"'));
    else if (Array.isArray(x)) {
      parts.push(Buffer.from('['));
      x.forEach((e, i) => {
        if (i) parts.push(Buffer.from(','));
        put(e);
      });
      parts.push(Buffer.from(']'));
    } else if (typeof x === 'object' && x !== null) {
      parts.push(Buffer.from('{'));
      Object.entries(x).forEach(([k, e], i) => {
        parts.push(Buffer.from(`${i ? ',' : ''}${JSON.stringify(k)}:`));
        put(e);
      });
      parts.push(Buffer.from('}'));
    } else parts.push(Buffer.from(JSON.stringify(x ?? null)));
  };
  put(v);
  return Buffer.concat(parts);
}

/** A parameter's bytes in a form or query string: strings as UTF-8, structures as JSON. */
export function formBytes(v: Value): Buffer {
  if (v instanceof RawJson) return Buffer.from(v.text);
  if (v instanceof BadBytes) return v.bytes;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'object' && v !== null) return jsonBytes(v);
  return Buffer.from(String(v));
}

/** Percent-encode bytes (invalid UTF-8 included, which encodeURIComponent cannot do). */
export function pct(b: Buffer | string): string {
  const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  let out = '';
  for (const c of bytes) {
    const ch = String.fromCharCode(c);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export const formEncode = (input: Input) =>
  Object.entries(input)
    .map(([k, v]) => `${pct(k)}=${pct(formBytes(v))}`)
    .join('&');

export interface FilePart {
  name: string;
  filename: string;
  type: string;
  data: Buffer;
}

export function multipartBody(
  fields: [string, Buffer][],
  files: FilePart[],
  boundary: string,
): Buffer {
  const parts: Buffer[] = [];
  const q = (s: string) => s.replace(/["\r\n]/g, '_');
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${q(name)}"\r\n\r\n`),
      value,
      Buffer.from('\r\n'),
    );
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${q(f.name)}"; filename="${q(f.filename)}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** The value as a parameter set, if it is one (else none: a query string can only hold those). */
export function asInput(v: Input | Value): Input {
  const plain =
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof RawJson) &&
    !(v instanceof BadBytes);
  return plain ? v : {};
}

/** True if raw text or bytes hide anywhere in the value (deep nesting, a raw NUL byte…). */
export function hasRaw(v: unknown): boolean {
  if (v instanceof RawJson || v instanceof BadBytes) return true;
  if (typeof v !== 'object' || v === null) return false;
  return Object.values(v).some(hasRaw);
}

/**
 * Would express.json accept this body? (strict: an object or array; no raw control bytes,
 * nesting within the limit, under the size limit). Only then does authentication get to run.
 */
function jsonParses(c: RestCase, wire: Wire): boolean {
  return (
    c.transport.kind === 'json' &&
    typeof c.input === 'object' &&
    c.input !== null &&
    !hasRaw(c.input) &&
    (wire.body?.length ?? 0) < 60_000
  );
}

// ── long polls must not wait ──────────────────────────────────────────────────────────

/** Would the server read this as a positive timeout (z.coerce.number: Number(value))? */
function wouldWait(v: Value | undefined): boolean {
  if (v === undefined) return true;
  const asNumbers = [() => Number(v), () => Number(formBytes(v).toString('latin1'))];
  return asNumbers.some((n) => {
    try {
      const x = n();
      return Number.isSafeInteger(x) && x > 0;
    } catch {
      return false;
    }
  });
}

/** Generated long-poll parameters whose timeout would park the request get `timeout: 0`. */
export function noWait(input: Input | Value): Input | Value {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  if (input instanceof RawJson || input instanceof BadBytes) return input;
  return wouldWait(input.timeout) ? { ...input, timeout: 0 } : input;
}

// ── cases: credentials, paths, transports ─────────────────────────────────────────────

export type Cred =
  | { kind: 'valid' }
  | { kind: 'telegram' } // the bot's Telegram-shaped token (as valid as the key)
  | { kind: 'outsider' } // valid, but of someone with no business here
  | { kind: 'missing' }
  | { kind: 'bad'; token: string };

export const credArb = (ctx: Ctx, auth: 'none' | 'user' | 'bot', noInput: boolean) => {
  const known = auth === 'bot' ? ctx.badBotTokens : ctx.badJwts;
  const bad = badTokens(known).map((token): Cred => ({ kind: 'bad', token }));
  // Endpoints without input can only be fuzzed through their credential: weigh it up.
  const badWeight = noInput ? 8 : 2;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Cred>({ kind: 'valid' }) },
    { weight: auth === 'bot' ? 1 : 0, arbitrary: fc.constant<Cred>({ kind: 'telegram' }) },
    { weight: 1, arbitrary: fc.constant<Cred>({ kind: 'outsider' }) },
    { weight: 1, arbitrary: fc.constant<Cred>({ kind: 'missing' }) },
    { weight: badWeight, arbitrary: bad },
  );
};

export const isBad = (c: Cred) => c.kind === 'bad' || c.kind === 'missing';

/** A path parameter: usually the valid id (so the input is what is wrong), else a bad one. */
export interface PathParam {
  value: string;
  /** Percent-encoded from a string (true), or inserted raw (traversal, broken escapes). */
  plain: boolean;
}

export const paramArb = (valid: string): fc.Arbitrary<PathParam> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({ value: valid, plain: true }) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.uuid(),
          fc.constantFrom(
            ...SQLISH,
            ...UNICODEISH,
            valid.toUpperCase(),
            `${valid}x`,
            'x'.repeat(5000),
          ),
        )
        .map((v) => ({ value: pct(v), plain: true })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...PATHISH).map((v) => ({ value: v, plain: false })) },
  );

/** How the body travels: mostly well-formed JSON, sometimes broken at the transport level. */
export type Transport =
  | { kind: 'json' }
  | { kind: 'content-type'; contentType: string } // the JSON bytes, mislabelled
  | { kind: 'raw'; contentType: string; encoding?: string; body: Buffer };

const MALFORMED_JSON = [
  '{',
  '{"content":',
  '[1,]',
  "{'a':1}",
  '{"a":1}}',
  'nul',
  '{"a":undefined}',
  '{"a":NaN}',
  '{"a":0x10}',
  '\u0000',
  '',
  ' ',
  '{"a":"\\x00"}',
  '{"a":"\\ud800"}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  '"just a string"',
  '123',
];

export const transportArb: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Transport>({ kind: 'json' }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'application/json; charset=latin1',
        'application/json; charset=utf-7',
        'application/json; charset=utf-16',
        'application/vnd.api+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/xml',
        'application/json, text/html',
        ';;;',
      )
      .map((contentType): Transport => ({ kind: 'content-type', contentType })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        body: fc.oneof(
          fc.constantFrom(...MALFORMED_JSON).map((s) => Buffer.from(s)),
          fc
            .constantFrom(...INVALID_UTF8)
            .map((b) =>
              Buffer.concat([
                Buffer.from('{"content":"'),
                b,
                Buffer.from('","emoji":"'),
                b,
                Buffer.from('"}'),
              ]),
            ),
          fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
        ),
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        encoding: fc.constantFrom(
          undefined,
          undefined,
          'gzip',
          'deflate',
          'br',
          'x-unknown',
          'identity',
        ),
      })
      .map((r): Transport => ({ kind: 'raw', ...r })),
  },
);

// ── checks ────────────────────────────────────────────────────────────────────────────

/**
 * Node's HTTP parser answers a request line plus headers over 16 KiB with a bare 431 before
 * Express (or any envelope) sees it; only an oversize head may get one.
 */
export function expectNodeHeaderLimit(res: Res, wire: Wire, what: string): void {
  // (less 1 KiB for the headers supertest adds: host, user-agent, accept-encoding…)
  if (wire.headBytes() < 15 * 1024) throw new Error(`431 for a small request head: ${what}`);
}

/** Internals a client must never read in an error (stack frames, SQL, the ORM). */
const LEAK = /prisma|invocation|\bat .*\.(ts|js)\b|postgres|sqlstate|\bSELECT\b|node_modules/i;

export function expectQuantaError(res: Res, what: string): void {
  const ok =
    /application\/json/.test(String(res.headers['content-type'])) &&
    typeof res.body === 'object' &&
    res.body !== null &&
    Object.keys(res.body).join() === 'error' &&
    typeof res.body.error === 'string' &&
    res.body.error.length > 0 &&
    !LEAK.test(res.body.error);
  if (!ok)
    throw new Error(
      `${res.status} not in {error} envelope for ${what}: ${res.text?.slice(0, 300)}`,
    );
}

export function expectGatewayError(res: Res, what: string): void {
  const b = res.body as Record<string, unknown>;
  const keys = Object.keys(b ?? {});
  const ok =
    /application\/json/.test(String(res.headers['content-type'])) &&
    b?.ok === false &&
    b.error_code === res.status &&
    typeof b.description === 'string' &&
    b.description.length > 0 &&
    b.error === b.description &&
    keys.every((k) => ['ok', 'error_code', 'description', 'error', 'parameters'].includes(k)) &&
    !LEAK.test(b.description);
  if (!ok)
    throw new Error(
      `${res.status} not in the gateway envelope for ${what}: ${res.text?.slice(0, 300)}`,
    );
}

export function count(f: Fuzz, key: string, status: number): void {
  const s = f.stats.get(key) ?? { ok: 0, rejected: 0 };
  if (status < 300) s.ok++;
  else s.rejected++;
  f.stats.set(key, s);
}

/** The generators must mostly produce rejections, or they are not fuzzing anything. */
export function expectMostlyRejected(f: Fuzz, key: string, runs = RUNS): void {
  const s = f.stats.get(key) ?? { ok: 0, rejected: 0 };
  if (s.rejected < Math.ceil(runs / 4)) {
    throw new Error(`${key}: only ${s.rejected} of ${s.ok + s.rejected} requests were rejected`);
  }
}

// ── REST (messenger + Quanta) ─────────────────────────────────────────────────────────

export interface RestCase {
  cred: Cred;
  params: Record<string, PathParam>;
  input: Input | Value;
  transport: Transport;
  /** A junk X-Bot-Token on a JWT route, or a junk Authorization on a bot route. */
  crossHeader?: string;
}

export function restCaseArb(ep: RestEndpoint, ctx: Ctx): fc.Arbitrary<RestCase> {
  const params = Object.fromEntries(
    Object.entries(ep.params ?? {}).map(([name, valid]) => [name, paramArb(valid(ctx))]),
  );
  const noInput = ep.lenient || Object.keys(ep.fields).length === 0;
  let input = damaged(ep.fields, ep.bases(ctx), { allowNonObject: ep.input === 'body' });
  if (ep.longPoll) input = input.map(noWait);
  return fc.record({
    cred: credArb(ctx, ep.auth, noInput && !ep.params),
    params: fc.record(params),
    input,
    transport: ep.input === 'body' ? transportArb : fc.constant<Transport>({ kind: 'json' }),
    crossHeader: fc.option(
      fc.constantFrom('garbage', "' OR 1=1 --", ctx.user.token, ctx.bot.apiKey),
      {
        freq: 8,
        nil: undefined,
      },
    ),
  });
}

export function restWire(ep: RestEndpoint, c: RestCase, ctx: Ctx): Wire {
  let path = ep.path;
  for (const [name, p] of Object.entries(c.params)) path = path.replace(`:${name}`, p.value);
  const headers: Record<string, string> = {};
  const token =
    c.cred.kind === 'valid'
      ? ep.auth === 'bot'
        ? ctx.bot.apiKey
        : ctx.user.token
      : c.cred.kind === 'telegram'
        ? ctx.bot.telegramToken
        : c.cred.kind === 'outsider'
          ? ep.auth === 'bot'
            ? ctx.outsiderBot.apiKey
            : ctx.outsider.token
          : c.cred.kind === 'bad'
            ? c.cred.token
            : undefined;
  if (ep.auth === 'bot' && token !== undefined) headers['x-bot-token'] = token;
  if (ep.auth !== 'bot' && token !== undefined) headers.authorization = `Bearer ${token}`;
  if (c.crossHeader !== undefined) {
    if (ep.auth === 'bot') headers.authorization = `Bearer ${c.crossHeader}`;
    else headers['x-bot-token'] = c.crossHeader;
  }
  if (ep.input !== 'body') {
    const qs = formEncode(asInput(c.input));
    return new Wire(ep.method, qs ? `${path}?${qs}` : path, headers);
  }
  const t = c.transport;
  if (t.kind === 'raw') {
    headers['content-type'] = t.contentType;
    if (t.encoding) headers['content-encoding'] = t.encoding;
    return new Wire(ep.method, path, headers, t.body);
  }
  headers['content-type'] = t.kind === 'json' ? 'application/json' : t.contentType;
  return new Wire(ep.method, path, headers, jsonBytes(c.input));
}

/** Run one REST endpoint's property. */
export async function fuzzRest(f: Fuzz, ep: RestEndpoint, runs = RUNS): Promise<void> {
  const key = `${ep.method} ${ep.path}`;
  await fc.assert(
    fc.asyncProperty(restCaseArb(ep, f.ctx), async (c) => {
      const wire = restWire(ep, c, f.ctx);
      const what = wire.describe();
      const res = await send(f.api, wire);
      count(f, key, res.status);
      await f.writes.after(res.status, what);
      if (res.status >= 500)
        throw new Error(`${res.status} for ${what}: ${res.text?.slice(0, 300)}`);
      if (res.status < 300) {
        if (!ep.accepts || (isBad(c.cred) && ep.auth !== 'none')) {
          throw new Error(`unexpected ${res.status} for ${what}`);
        }
        return;
      }
      if (res.status === 431) return expectNodeHeaderLimit(res, wire, what);
      if (!REST_4XX.includes(res.status)) throw new Error(`status ${res.status} for ${what}`);
      expectQuantaError(res, what);
      // A refused credential is a 401 whatever else is wrong, once the request parses.
      const parses =
        Object.values(c.params).every((p) => p.plain) &&
        (ep.input !== 'body' || jsonParses(c, wire));
      if (isBad(c.cred) && ep.auth !== 'none' && parses && res.status !== 401) {
        throw new Error(`${res.status} (not 401) for a bad credential: ${what}`);
      }
    }),
    fcParams(key, runs),
  );
  expectMostlyRejected(f, key, runs);
}

// ── gateway ───────────────────────────────────────────────────────────────────────────

export type GatewayEncoding = 'query' | 'json' | 'form' | 'multipart';

export interface GatewayCase {
  style: 'path' | 'bearer';
  mount: 'gateway' | 'api'; // the gateway listener's root, or /gateway on the API
  cred: Cred;
  casing: 'as-is' | 'lower' | 'upper';
  encoding: GatewayEncoding;
  params: Input | Value;
  /** multipart only: parameters sent as file parts instead of fields */
  asFiles: string[];
  /** multipart only: extra parts (unreferenced files, attach:// to nothing…) */
  extra: FilePart[];
  attachRefs: string[];
}

const fileArb: fc.Arbitrary<FilePart> = fc.record({
  name: fc.constantFrom('photo', 'document', 'f1', 'chat_id', '', '__proto__', 'a"b'),
  filename: fc.constantFrom('a.png', '', '../../x', 'ü.txt', 'x'.repeat(300)),
  type: fc.constantFrom('image/png', 'application/octet-stream', 'text/html', 'x', ''),
  data: fc.oneof(
    fc.constant(Buffer.from(PNG_B64, 'base64')),
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    fc.constant(Buffer.alloc(70_000, 1)), // over the fuzz platform's MEDIA_MAX_BYTES
  ),
});

export function gatewayCaseArb(m: GatewayMethod, ctx: Ctx): fc.Arbitrary<GatewayCase> {
  let params = damaged(m.fields, m.bases(ctx), { allowNonObject: true });
  if (m.longPoll) params = params.map(noWait);
  const names = Object.keys(m.fields);
  return fc.record({
    style: fc.constantFrom('path', 'bearer'),
    mount: fc.constantFrom('gateway', 'gateway', 'api'),
    cred: credArb(ctx, 'bot', names.length === 0),
    casing: fc.constantFrom('as-is', 'as-is', 'lower', 'upper'),
    encoding: fc.constantFrom('query', 'json', 'json', 'form', 'multipart'),
    params,
    asFiles: fc.subarray(names, { maxLength: Math.min(2, names.length) }),
    extra: fc.array(fileArb, { maxLength: 2 }),
    attachRefs: fc.subarray(names, { maxLength: Math.min(1, names.length) }),
  });
}

export function gatewayWire(m: GatewayMethod, c: GatewayCase, ctx: Ctx): Wire {
  const token =
    c.cred.kind === 'valid'
      ? ctx.bot.apiKey
      : c.cred.kind === 'telegram'
        ? ctx.bot.telegramToken
        : c.cred.kind === 'outsider'
          ? ctx.outsiderBot.telegramToken
          : c.cred.kind === 'bad'
            ? c.cred.token
            : undefined;
  const name =
    c.casing === 'lower'
      ? m.name.toLowerCase()
      : c.casing === 'upper'
        ? m.name.toUpperCase()
        : m.name;
  const prefix = c.mount === 'api' ? '/gateway' : '';
  const headers: Record<string, string> = {};
  let path: string;
  if (c.style === 'path' && token !== undefined) path = `${prefix}/bot${pct(token)}/${name}`;
  else {
    path = `${prefix}/${name}`;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
  }
  const obj = asInput(c.params);
  // Parameters that are no object are ignored, and a Bearer getUpdates would then wait its
  // default 25 s: pin the timeout in the query string (the body's values win over it).
  if (m.longPoll && obj !== c.params) path += '?timeout=0';
  switch (c.encoding) {
    case 'query': {
      const qs = formEncode(obj);
      return new Wire('GET', qs ? `${path}?${qs}` : path, headers);
    }
    case 'json':
      headers['content-type'] = 'application/json';
      return new Wire('POST', path, headers, jsonBytes(c.params));
    case 'form':
      headers['content-type'] = 'application/x-www-form-urlencoded';
      return new Wire('POST', path, headers, Buffer.from(formEncode(obj)));
    case 'multipart': {
      const boundary = `fuzz${randomBytes(6).toString('hex')}`;
      const fields: [string, Buffer][] = [];
      const files: FilePart[] = [...c.extra];
      for (const [k, v] of Object.entries(obj)) {
        if (c.asFiles.includes(k))
          files.push({
            name: k,
            filename: `${k}.bin`,
            type: 'application/octet-stream',
            data: formBytes(v),
          });
        else if (c.attachRefs.includes(k)) fields.push([k, Buffer.from('attach://nothing_sent')]);
        else fields.push([k, formBytes(v)]);
      }
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      return new Wire('POST', path, headers, multipartBody(fields, files, boundary));
    }
  }
}

/** Run one gateway method's property. */
export async function fuzzGateway(f: Fuzz, m: GatewayMethod, runs = RUNS): Promise<void> {
  const key = `gateway ${m.name}`;
  await fc.assert(
    fc.asyncProperty(gatewayCaseArb(m, f.ctx), async (c) => {
      const wire = gatewayWire(m, c, f.ctx);
      const what = wire.describe();
      const res = await send(c.mount === 'api' ? f.api : f.gateway, wire);
      if (process.env.FUZZ_TRACE)
        console.log(res.status, what.slice(0, 400), res.text?.slice(0, 200));
      count(f, key, res.status);
      await f.writes.after(res.status, what);
      if (res.status >= 500)
        throw new Error(`${res.status} for ${what}: ${res.text?.slice(0, 300)}`);
      if (res.status < 300) {
        if (!m.accepts || isBad(c.cred)) throw new Error(`unexpected ${res.status} for ${what}`);
        if (res.body?.ok !== true || !('result' in res.body)) {
          throw new Error(`2xx without {ok: true, result} for ${what}`);
        }
        return;
      }
      if (res.status === 431) return expectNodeHeaderLimit(res, wire, what);
      if (!GATEWAY_4XX.includes(res.status)) throw new Error(`status ${res.status} for ${what}`);
      expectGatewayError(res, what);
      // The token is checked first, whatever the body: a refused one is always a 401.
      if (isBad(c.cred) && res.status !== 401) {
        throw new Error(`${res.status} (not 401) for a bad token: ${what}`);
      }
    }),
    fcParams(key, runs),
  );
  expectMostlyRejected(f, key, runs);
}

// ── liveness ──────────────────────────────────────────────────────────────────────────

/** What the process-watch environment saw (empty when the file did not select it). */
export function processErrors(): string[] {
  return ((globalThis as Record<string, unknown>)[PROCESS_ERRORS_KEY] as string[]) ?? [];
}

/** Last test of every fuzz file: both listeners still answer, nothing escaped. */
export function itStaysAlive(ref: { current: Fuzz }): void {
  it('is still alive: /health answers on both listeners and no error escaped the handlers', async () => {
    const f = ref.current;
    await f.api.get('/health').expect(200, { status: 'ok' });
    await f.api.get('/ready').expect(200);
    const me = await f.gateway.get(`/bot${f.ctx.bot.telegramToken}/getMe`).expect(200);
    expect(me.body.ok).toBe(true);
    expect(processErrors()).toEqual([]);
    expect((globalThis as Record<string, unknown>)[PROCESS_ERRORS_KEY]).toBeDefined();
  });
}
