// The fuzz suite's machinery: a platform with a populated context, requests built from
// generated cases and put on the wire byte for byte, the envelope/status checks, and the
// "nothing was written" check (a fingerprint of every table around each rejected request).
//
// Runs are deterministic: every property uses the same fixed seed. Override with
//   FUZZ_RUNS=<runs per operation> (default 10)  FUZZ_SEED=<integer> (default 20260707)
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
  INVALID_UTF8,
  PATHISH,
  RawJson,
  SQLISH,
  UNICODEISH,
  type Input,
  type Value,
} from './arbitraries';
import { expressPath, validInput, type FuzzOperation } from './catalogue';
import { hasRaw, inputArb, propertiesOf, serverView, validInputs, type InputCase } from './inputs';
import { PROCESS_ERRORS_KEY } from './process-env';
import { JSON_PARAMS as GATEWAY_JSON_PARAMS } from '../../src/http/gateway/params';
import {
  foreignValue,
  knownParam,
  knownValue,
  NEVER_ACCEPTED,
  onlyFilters,
  PNG_B64,
  PRIVATE,
  type Ctx,
} from './resources';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
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
  /** Messages an accepted request created: still there at the end (itStaysAlive). */
  accepted: Set<string>;
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
    ref.current = {
      t,
      ctx,
      api: api!,
      gateway: gateway!,
      writes,
      stats: new Map(),
      accepted: new Set(),
    };
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

const signJwt = (secret: string, claims: object) =>
  jwt.sign(claims, secret, { algorithm: 'HS256' });
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function buildContext(t: TestPlatform): Promise<Ctx> {
  const { http } = t;
  // With an uploaded avatar, so GET /bot/avatar/:bot_id has bytes to serve.
  const { user, bot, chatId } = await userBotChat(http, { avatar: PNG_B64 });
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
  const outsiderMsg = await say(http, outsider, outsiderChatId, 'not yours');
  const userMsg = await say(http, user, chatId, 'hello bot');
  const userDelete = await say(http, user, chatId, 'delete me');
  const copied = await say(http, user, chatId, 'copy me');
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
  const doomedToo = await send('send-message', { content: 'delete me through the gateway' });
  const poll = await send('send-poll', { question: 'Q?', options: ['a', 'b'] });
  const photo = await send('send-photo', { photo: PNG_B64, mime: 'image/png', w: 1, h: 1 });
  const tap = await http
    .post(`/api/v1/chats/${chatId}/messages/${buttons.id}/callback`)
    .set(bearer(user))
    .send({ callback_data: 'yes' })
    .expect(202);
  const tapToo = await http
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
    outsiderMsgId: outsiderMsg.id,
    userMsgId: userMsg.id,
    userDeleteMsgId: userDelete.id,
    copyMsgId: copied.id,
    botButtonsMsgId: buttons.id,
    webAppMsgId: webApp.id,
    botTextMsgId: text.id,
    botDeleteMsgId: doomed.id,
    gatewayDeleteMsgId: doomedToo.id,
    pollMsgId: poll.id,
    mediaId: photo.media!.id,
    callbackId: tap.body.callback_id,
    gatewayCallbackId: tapToo.body.callback_id,
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

/**
 * Would express.json accept this body? (strict: an object or array; no raw control bytes,
 * nesting within the limit, under the size limit). Only then does authentication get to run.
 */
function jsonParses(c: RestCase, wire: Wire): boolean {
  return (
    c.transport.kind === 'json' &&
    typeof c.input.input === 'object' &&
    c.input.input !== null &&
    !hasRaw(c.input.input) &&
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

export const credArb = (ctx: Ctx, auth: FuzzOperation['auth'], noInput: boolean) => {
  const known = auth === 'user' ? ctx.badJwts : ctx.badBotTokens;
  const bad = badTokens(known).map((token): Cred => ({ kind: 'bad', token }));
  // Endpoints without input can only be fuzzed through their credential: weigh it up.
  const badWeight = noInput ? 8 : 2;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Cred>({ kind: 'valid' }) },
    { weight: auth === 'user' ? 0 : 1, arbitrary: fc.constant<Cred>({ kind: 'telegram' }) },
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
  /** Someone else's row (resources.ts FOREIGN). */
  foreign?: boolean;
}

export const paramArb = (valid: string, foreign?: string): fc.Arbitrary<PathParam> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({ value: valid, plain: true }) },
    {
      weight: foreign === undefined ? 0 : 1,
      arbitrary: fc.constant({ value: foreign ?? '', plain: true, foreign: true }),
    },
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

/**
 * Some damage must reach the server as such: an operation that accepted every generated
 * request is not being fuzzed (the oracle checks each 2xx; this checks there were refusals).
 */
export function expectSomeRejected(f: Fuzz, key: string): void {
  const s = f.stats.get(key) ?? { ok: 0, rejected: 0 };
  if (s.rejected === 0) throw new Error(`${key}: none of ${s.ok} requests was refused`);
}

// ── the oracle: what a 2xx may answer ─────────────────────────────────────────────────

/**
 * Does the request name a row of the caller's that the outsider's credential may not touch?
 * (A foreign id is the outsider's own row; a field that only filters names nothing.)
 */
function touchesPrivate(
  op: FuzzOperation,
  input: Input | Value,
  params: Record<string, PathParam>,
  ctx: Ctx,
): boolean {
  const named = (k: string, v: unknown) =>
    PRIVATE.has(k) && !onlyFilters(op.key, k) && v === knownValue(op.key, k, ctx);
  return (
    Object.entries(params).some(([k, p]) => named(k, p.value)) ||
    Object.entries(asInput(input)).some(([k, v]) => named(k, v))
  );
}

/**
 * Why a 2xx is wrong for this case, if it is: a refused credential, input the route's own
 * schema refuses (when what the server saw can be told), someone else's row, or the caller's
 * row with someone else's credential.
 */
function wrongAcceptance(
  op: FuzzOperation,
  cred: Cred,
  input: InputCase,
  view: unknown,
  params: Record<string, PathParam>,
  ctx: Ctx,
): string | undefined {
  const foreignParam = Object.values(params).some((p) => p.foreign);
  if (isBad(cred) && op.auth !== 'none') return 'accepted a refused credential';
  if (view !== undefined && !validInput(op, view)) return 'accepted input its schema refuses';
  if (cred.kind !== 'outsider' && (input.foreign || foreignParam))
    return "accepted someone else's row";
  if (cred.kind === 'outsider' && touchesPrivate(op, input.input, params, ctx))
    return "accepted someone else's credential on the caller's row";
  return undefined;
}

/** fast-check's report and, below it, what the property threw. */
const failure = (e: unknown) =>
  e instanceof Error
    ? `${e.message}\n${e.cause instanceof Error ? e.cause.message : ''}`
    : String(e);

/** The fast-check seed and path to replay a failure, in the message fast-check prints. */
const replayHint = (key: string) =>
  `(FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}; this operation's fast-check seed is ${fcParams(key).seed})`;

// ── a valid input first ───────────────────────────────────────────────────────────

/** A valid input on the wire, with valid ids and the valid credential. */
export function validWire(f: Fuzz, op: FuzzOperation, base: Input): Wire {
  if (op.gatewayMethod) {
    return new Wire(
      'POST',
      `/bot${f.ctx.bot.telegramToken}/${op.gatewayMethod}`,
      { 'content-type': 'application/json' },
      jsonBytes(base),
    );
  }
  const path = validPath(op, f.ctx);
  const headers: Record<string, string> =
    op.auth === 'bot'
      ? { 'x-bot-token': f.ctx.bot.apiKey }
      : op.auth === 'user'
        ? { authorization: `Bearer ${f.ctx.user.token}` }
        : {};
  if (op.input !== 'body') {
    const qs = formEncode(base);
    return new Wire(op.method, qs ? `${path}?${qs}` : path, headers);
  }
  return new Wire(
    op.method,
    path,
    { ...headers, 'content-type': 'application/json' },
    jsonBytes(base),
  );
}

/**
 * One of the operation's valid inputs is accepted, so the refusals of the damaged ones come
 * from the damage and not from a stale table (resources.ts).
 */
async function expectAccepted(f: Fuzz, op: FuzzOperation, bases: Input[]): Promise<void> {
  if (op.key in NEVER_ACCEPTED) return;
  const answers: string[] = [];
  for (const base of bases) {
    const wire = validWire(f, op, base);
    const res = await send(op.gatewayMethod ? f.gateway : f.api, wire);
    await f.writes.after(res.status, wire.describe());
    if (res.status < 300) return;
    answers.push(`${res.status} ${res.text?.slice(0, 160)}`);
  }
  throw new Error(
    `${op.key}: none of its valid inputs was accepted (does test/fuzz/resources.ts lack a value?): ${answers.join(' | ')}`,
  );
}

// ── REST (messenger, Quanta, platform) ────────────────────────────────────────────────

export interface RestCase {
  cred: Cred;
  params: Record<string, PathParam>;
  input: InputCase;
  transport: Transport;
  /** A junk X-Bot-Token on a JWT route, or a junk Authorization on a bot route. */
  crossHeader?: string;
}

/** The operation's path with its valid ids. */
export function validPath(op: FuzzOperation, ctx: Ctx): string {
  return expressPath(op.path).replace(/:(\w+)/g, (_m, name: string) =>
    pct(knownParam(op.key, name, ctx)),
  );
}

export function restCaseArb(op: FuzzOperation, ctx: Ctx, bases: Input[]): fc.Arbitrary<RestCase> {
  const params = Object.fromEntries(
    op.pathParams.map((name) => [
      name,
      paramArb(knownParam(op.key, name, ctx), foreignValue(op.key, name, ctx)),
    ]),
  );
  const noInput = Object.keys(propertiesOf(op.schema)).length === 0;
  let input = inputArb(op, ctx, bases, { allowNonObject: op.input === 'body' });
  if (op.schema?.properties?.timeout) input = input.map((c) => ({ ...c, input: noWait(c.input) }));
  return fc.record({
    cred: credArb(ctx, op.auth, noInput && op.pathParams.length === 0),
    params: fc.record(params),
    input,
    transport: op.input === 'body' ? transportArb : fc.constant<Transport>({ kind: 'json' }),
    crossHeader: fc.option(
      fc.constantFrom('garbage', "' OR 1=1 --", ctx.user.token, ctx.bot.apiKey),
      {
        freq: 8,
        nil: undefined,
      },
    ),
  });
}

export function restWire(op: FuzzOperation, c: RestCase, ctx: Ctx): Wire {
  const path = expressPath(op.path).replace(/:(\w+)/g, (_m, name: string) => c.params[name]!.value);
  const headers: Record<string, string> = {};
  const token =
    c.cred.kind === 'valid'
      ? op.auth === 'bot'
        ? ctx.bot.apiKey
        : ctx.user.token
      : c.cred.kind === 'telegram'
        ? ctx.bot.telegramToken
        : c.cred.kind === 'outsider'
          ? op.auth === 'bot'
            ? ctx.outsiderBot.apiKey
            : ctx.outsider.token
          : c.cred.kind === 'bad'
            ? c.cred.token
            : undefined;
  if (op.auth === 'bot' && token !== undefined) headers['x-bot-token'] = token;
  if (op.auth === 'user' && token !== undefined) headers.authorization = `Bearer ${token}`;
  if (c.crossHeader !== undefined) {
    if (op.auth === 'bot') headers.authorization = `Bearer ${c.crossHeader}`;
    else headers['x-bot-token'] = c.crossHeader;
  }
  if (op.input !== 'body') {
    const qs = formEncode(asInput(c.input.input));
    return new Wire(op.method, qs ? `${path}?${qs}` : path, headers);
  }
  const t = c.transport;
  if (t.kind === 'raw') {
    headers['content-type'] = t.contentType;
    if (t.encoding) headers['content-encoding'] = t.encoding;
    return new Wire(op.method, path, headers, t.body);
  }
  headers['content-type'] = t.kind === 'json' ? 'application/json' : t.contentType;
  return new Wire(op.method, path, headers, jsonBytes(c.input.input));
}

const expectError = (op: FuzzOperation, res: Res, what: string) =>
  op.dialect === 'gateway' ? expectGatewayError(res, what) : expectQuantaError(res, what);

function expectEitherError(res: Res, what: string): void {
  try {
    expectQuantaError(res, what);
  } catch {
    expectGatewayError(res, what);
  }
}

/** Run one REST operation's property. */
export async function fuzzRest(f: Fuzz, op: FuzzOperation, runs = RUNS): Promise<void> {
  const bases = validInputs(op, f.ctx, SEED);
  await expectAccepted(f, op, bases);
  await fc
    .assert(
      fc.asyncProperty(restCaseArb(op, f.ctx, bases), async (c) => {
        const wire = restWire(op, c, f.ctx);
        const what = wire.describe();
        const res = await send(f.api, wire);
        count(f, op.key, res.status);
        await f.writes.after(res.status, what);
        if (res.status >= 500)
          throw new Error(`${res.status} for ${what}: ${res.text?.slice(0, 300)}`);
        if (res.status < 300) {
          const view = c.transport.kind === 'json' ? serverView(op, c.input.input) : undefined;
          const wrong = wrongAcceptance(op, c.cred, c.input, view, c.params, f.ctx);
          if (wrong) throw new Error(`${res.status}: ${wrong}: ${what}`);
          const made = (res.body as { message?: { id?: unknown } } | undefined)?.message?.id;
          if (op.method === 'POST' && typeof made === 'string') f.accepted.add(made);
          return;
        }
        if (res.status === 431) return expectNodeHeaderLimit(res, wire, what);
        if (!REST_4XX.includes(res.status)) throw new Error(`status ${res.status} for ${what}`);
        // A raw traversal in a path parameter may land on another route, in either envelope.
        if (Object.values(c.params).some((p) => !p.plain)) expectEitherError(res, what);
        else expectError(op, res, what);
        // A refused credential is a 401 whatever else is wrong, once the request parses.
        const parses =
          Object.values(c.params).every((p) => p.plain) &&
          (op.input !== 'body' || jsonParses(c, wire));
        if (isBad(c.cred) && op.auth !== 'none' && parses && res.status !== 401) {
          throw new Error(`${res.status} (not 401) for a bad credential: ${what}`);
        }
      }),
      fcParams(op.key, runs),
    )
    .catch((e: unknown) => {
      throw new Error(`${op.key} ${replayHint(op.key)}\n${failure(e)}`);
    });
  if (op.auth !== 'none' || op.schema) expectSomeRejected(f, op.key);
}

// ── gateway ───────────────────────────────────────────────────────────────────────────

export type GatewayEncoding = 'query' | 'json' | 'form' | 'multipart';

export interface GatewayCase {
  style: 'path' | 'bearer';
  mount: 'gateway' | 'api'; // the gateway listener's root, or /gateway on the API
  cred: Cred;
  casing: 'as-is' | 'lower' | 'upper';
  encoding: GatewayEncoding;
  params: InputCase;
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

export function gatewayCaseArb(
  op: FuzzOperation,
  ctx: Ctx,
  bases: Input[],
): fc.Arbitrary<GatewayCase> {
  let params = inputArb(op, ctx, bases, { allowNonObject: true });
  if (op.schema?.properties?.timeout)
    params = params.map((c) => ({ ...c, input: noWait(c.input) }));
  const names = Object.keys(propertiesOf(op.schema));
  return fc.record({
    style: fc.constantFrom('path', 'bearer'),
    mount: fc.constantFrom('gateway', 'gateway', 'api'),
    cred: credArb(ctx, 'gateway', names.length === 0),
    casing: fc.constantFrom('as-is', 'as-is', 'lower', 'upper'),
    encoding: fc.constantFrom('query', 'json', 'json', 'form', 'multipart'),
    params,
    asFiles: fc.subarray(names, { maxLength: Math.min(2, names.length) }),
    extra: fc.array(fileArb, { maxLength: 2 }),
    attachRefs: fc.subarray(names, { maxLength: Math.min(1, names.length) }),
  });
}

export function gatewayWire(op: FuzzOperation, c: GatewayCase, ctx: Ctx): Wire {
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
  const method = op.gatewayMethod!;
  const name =
    c.casing === 'lower'
      ? method.toLowerCase()
      : c.casing === 'upper'
        ? method.toUpperCase()
        : method;
  const prefix = c.mount === 'api' ? '/gateway' : '';
  const headers: Record<string, string> = {};
  let path: string;
  if (c.style === 'path' && token !== undefined) path = `${prefix}/bot${pct(token)}/${name}`;
  else {
    path = `${prefix}/${name}`;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
  }
  const obj = asInput(c.params.input);
  // Parameters that are no object are ignored, and a Bearer getUpdates would then wait its
  // default 25 s: pin the timeout in the query string (the body's values win over it).
  if (op.schema?.properties?.timeout && obj !== c.params.input) path += '?timeout=0';
  switch (c.encoding) {
    case 'query': {
      const qs = formEncode(obj);
      return new Wire('GET', qs ? `${path}?${qs}` : path, headers);
    }
    case 'json':
      headers['content-type'] = 'application/json';
      return new Wire('POST', path, headers, jsonBytes(c.params.input));
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

/**
 * The parameters a JSON call hands the method's schema (params.ts): a non-object names none,
 * and object parameters sent as JSON text are decoded. Undefined when it cannot be told.
 */
function gatewayView(c: GatewayCase): unknown {
  if (c.encoding !== 'json' || hasRaw(c.params.input)) return undefined;
  const obj = asInput(c.params.input);
  return Object.fromEntries(
    Object.entries(obj).map(([k, v]) => {
      if (typeof v !== 'string' || !GATEWAY_JSON_PARAMS.has(k)) return [k, v];
      try {
        return [k, JSON.parse(v) as unknown];
      } catch {
        return [k, v];
      }
    }),
  );
}

/** Run one gateway method's property. */
export async function fuzzGateway(f: Fuzz, op: FuzzOperation, runs = RUNS): Promise<void> {
  const bases = validInputs(op, f.ctx, SEED);
  await expectAccepted(f, op, bases);
  await fc
    .assert(
      fc.asyncProperty(gatewayCaseArb(op, f.ctx, bases), async (c) => {
        const wire = gatewayWire(op, c, f.ctx);
        const what = wire.describe();
        const res = await send(c.mount === 'api' ? f.api : f.gateway, wire);
        if (process.env.FUZZ_TRACE)
          console.log(res.status, what.slice(0, 400), res.text?.slice(0, 200));
        count(f, op.key, res.status);
        await f.writes.after(res.status, what);
        if (res.status >= 500)
          throw new Error(`${res.status} for ${what}: ${res.text?.slice(0, 300)}`);
        if (res.status < 300) {
          const wrong = wrongAcceptance(op, c.cred, c.params, gatewayView(c), {}, f.ctx);
          if (wrong) throw new Error(`${res.status}: ${wrong}: ${what}`);
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
      fcParams(op.key, runs),
    )
    .catch((e: unknown) => {
      throw new Error(`${op.key} ${replayHint(op.key)}\n${failure(e)}`);
    });
  expectSomeRejected(f, op.key);
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
    // nothing accepted is lost: what the run started with and what it sent is all there
    const kept = [
      f.ctx.userMsgId,
      f.ctx.copyMsgId,
      f.ctx.botTextMsgId,
      f.ctx.botButtonsMsgId,
      f.ctx.pollMsgId,
      f.ctx.webAppMsgId,
      f.ctx.outsiderMsgId,
      ...f.accepted,
    ];
    const { rows } = await f.t.platform.sql.query<{ id: string }>(
      'SELECT id FROM messages WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL',
      [kept],
    );
    expect(kept.filter((id) => !rows.some((r) => r.id === id))).toEqual([]);
    const media = await f.t.platform.sql.query('SELECT 1 FROM media WHERE id = $1', [
      f.ctx.mediaId,
    ]);
    expect(media.rowCount).toBe(1);
    expect((globalThis as Record<string, unknown>)[PROCESS_ERRORS_KEY]).toBeDefined();
  });
}
