import { Writable } from 'node:stream';
import pino from 'pino';
import supertest from 'supertest';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { createPlatform } from '../../src/platform';
import { REDACT_PATHS } from '../../src/infra/logger';
import { platformFor, useTestPlatform } from '../support/platform';
import { registerBot, registerUser } from '../support/fixtures';

const t = useTestPlatform();

/** The platform's logger (with its redaction) writing into `lines`, one JSON line each. */
function capturedLog(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: pino({ level, redact: REDACT_PATHS }, sink) };
}

describe('HTTP basics', () => {
  it('answers malformed JSON with 400 in the Quanta envelope', async () => {
    const res = await t.current.http
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"username": "a",')
      .expect(400);
    expect(res.body).toEqual({ error: 'malformed JSON body' });
  });

  it('answers a body over the limit with 413', async () => {
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(1024 * 1024 + 10) });
    const res = await t.current.http
      .post('/api/v1/auth/register')
      .set('content-type', 'application/json')
      .send(big)
      .expect(413);
    expect(res.body).toEqual({ error: 'request body too large' });
  });

  it.each(['/nope', '/api/v1/bot/nope', '/api/v1/auth'])(
    'answers unknown route %s with 404 JSON',
    async (path) => {
      const res = await t.current.http.get(path).expect(404).expect('content-type', /json/);
      expect(res.body).toEqual({ error: 'not found' });
    },
  );

  it.each([['null'], ['[]'], ['"text"'], ['42']])(
    'never 500s on a JSON body of %s',
    async (body) => {
      const res = await t.current.http
        .post('/api/v1/auth/register')
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error).toBe('string');
    },
  );

  it('sets helmet security headers', async () => {
    const res = await t.current.http.get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('reports liveness and readiness', async () => {
    await t.current.http.get('/health').expect(200, { status: 'ok' });
    await t.current.http
      .get('/ready')
      .expect(200, { status: 'ready', postgres: 'ok', redis: 'ok' });
  });

  it('reports not ready (503 JSON) when Redis is unreachable', async () => {
    const broken = platformFor(t.current.env, { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await supertest(broken.api).get('/ready').expect(503);
      expect(res.body).toEqual({ status: 'unavailable', postgres: 'ok', redis: 'down' });
    } finally {
      await broken.stop();
    }
  });

  it('reports not ready (503 JSON) when Postgres is unreachable, and answers requests 503', async () => {
    const broken = platformFor(t.current.env, {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/x',
    });
    try {
      const ready = await supertest(broken.api).get('/ready').expect(503);
      expect(ready.body).toMatchObject({ postgres: 'down', redis: 'ok' });
      const login = await supertest(broken.api)
        .post('/api/v1/auth/login')
        .send({ username: 'someone', password: 'whatever-1' })
        .expect(503);
      expect(login.body).toEqual({ error: 'service temporarily unavailable' });
    } finally {
      await broken.stop();
    }
  });
});

describe('secrets', () => {
  it('stores neither API keys nor passwords in the database', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await registerBot(http, owner);
    const db = new Client({ connectionString: t.current.config.DATABASE_URL });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      let dump = '';
      for (const { table_name } of tables.rows) {
        const rows = await db.query(`SELECT * FROM "${table_name}"`);
        dump += JSON.stringify(rows.rows);
      }
      expect(dump).toContain(owner.username); // the dump is real
      expect(dump).not.toContain(bot.apiKey);
      expect(dump).not.toContain(bot.apiKey.slice(4)); // nor the random part alone
      expect(dump).not.toContain(owner.password);
    } finally {
      await db.end();
    }
  });

  it("logs a parked poll's line with the client's x-request-id once it answers", async () => {
    // A parked poll drops its request headers (docs/performance.md) but the id it was given.
    const { lines, log } = capturedLog('info');
    const p = createPlatform(loadConfig(t.current.env), { log });
    try {
      const http = supertest(p.api);
      const bot = await registerBot(http, await registerUser(http));
      const quanta = await http
        .get('/api/v1/bot/updates?timeout=1')
        .set('x-bot-token', bot.apiKey)
        .set('x-request-id', 'parked-quanta-1')
        .expect(200);
      expect(quanta.body).toEqual({ updates: [] });
      const gateway = await supertest(p.gateway)
        .get(`/bot${bot.telegramToken}/getUpdates?timeout=1`)
        .set('x-request-id', 'parked-gateway-1')
        .expect(200);
      expect(gateway.body).toEqual({ ok: true, result: [] });
      const logged = (id: string) =>
        lines
          .map((l) => JSON.parse(l) as { req?: { id?: string }; res?: { statusCode?: number } })
          .find((l) => l.req?.id === id);
      expect(logged('parked-quanta-1')?.res?.statusCode).toBe(200);
      expect(logged('parked-gateway-1')?.res?.statusCode).toBe(200);
    } finally {
      await p.stop();
    }
  });

  it('never writes tokens or passwords to the request log', async () => {
    const config = loadConfig({ ...t.current.env, LOG_LEVEL: 'trace' });
    const { lines, log } = capturedLog('trace');
    const p = createPlatform(config, { log });
    try {
      const http = supertest(p.api);
      const owner = await registerUser(http);
      await http
        .post('/api/v1/auth/login')
        .send({ username: owner.username, password: owner.password });
      const bot = await registerBot(http, owner);
      await http.get('/api/v1/bot/me').set('x-bot-token', bot.apiKey).expect(200);
      await http.get(`/bot${bot.apiKey}/getMe?token=${bot.apiKey}`);
      const all = lines.join('\n');
      expect(lines.length).toBeGreaterThan(4);
      expect(all).toContain('/api/v1/bot/me');
      for (const secret of [owner.password, owner.token, bot.apiKey]) {
        expect(all).not.toContain(secret);
      }
    } finally {
      await p.stop();
    }
  });
});
