// PostgreSQL stops answering without closing anything (a hung server, a dropped route): the
// TCP proxy holds every byte. Requests that need it answer 503 within a few seconds (the
// client's query deadline, DATABASE_QUERY_TIMEOUT_MS), and the platform recovers by itself.
import supertest from 'supertest';
import { startBehindPostgresProxy, type ProxiedPlatform } from '../support/postgres-proxy';
import { bearer, botAuth, userBotChat, type TestBot, type TestUser } from '../support/fixtures';
import { call, type CallResult } from '../support/http-call';
import { sleep, type PlatformProcess } from '../support/processes';
import type { TcpProxy } from '../support/tcp-proxy';

const QUERY_TIMEOUT_MS = 2000;
/** A transaction may meet the deadline twice (its statement, then its connection's check-out). */
const MAX_ANSWER_MS = 2 * QUERY_TIMEOUT_MS + 1500;

describe('PostgreSQL that stops answering', () => {
  let platform: ProxiedPlatform | undefined;
  let proxy: TcpProxy;
  let proc: PlatformProcess;
  let base: string;
  let user: TestUser;
  let bot: TestBot;
  let chatId: string;

  beforeAll(async () => {
    platform = await startBehindPostgresProxy(
      { DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS), LOG_LEVEL: 'warn' },
      'api',
    );
    ({ proxy, proc } = platform);
    base = proc.url;
    ({ user, bot, chatId } = await userBotChat(supertest(base)));
  }, 30000);

  afterAll(() => platform?.close(), 20000);

  const probes: Record<string, () => Promise<CallResult>> = {
    'bot send-message': () =>
      call(base, 'POST', '/api/v1/bot/send-message', {
        headers: botAuth(bot),
        body: { chat_id: chatId, content: 'probe' },
      }),
    'user send': () =>
      call(base, 'POST', `/api/v1/chats/${chatId}/messages`, {
        headers: bearer(user),
        body: { content: 'probe from user' },
      }),
    'user history': () =>
      call(base, 'GET', `/api/v1/chats/${chatId}/messages`, { headers: bearer(user) }),
    'messenger login': () =>
      call(base, 'POST', '/api/v1/auth/login', {
        body: { username: user.username, password: user.password },
      }),
  };
  const OK: Record<string, number> = {
    'bot send-message': 200,
    'user send': 201,
    'user history': 200,
    'messenger login': 200,
  };
  const runProbes = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(probes).map(async ([name, fn]) => [name, await fn()] as const),
      ),
    );

  it('answers 503 within a few seconds, never hangs, and recovers', async () => {
    for (const [name, r] of Object.entries(await runProbes())) {
      expect({ name, status: r.status }).toEqual({ name, status: OK[name] });
    }
    proxy.blackhole();
    try {
      const results = await runProbes();
      const summary = Object.entries(results).map(([n, r]) => `${n} → ${r.status} in ${r.ms} ms`);
      console.log(`postgres blackholed:\n  ${summary.join('\n  ')}`);
      for (const [name, r] of Object.entries(results)) {
        expect({ name, status: r.status, error: r.error }).toEqual({
          name,
          status: 503,
          error: undefined,
        });
        expect(r.ms).toBeLessThan(MAX_ANSWER_MS);
        expect(Number.isInteger(r.ms)).toBe(true);
      }
      expect((await call(base, 'GET', '/health')).status).toBe(200);
    } finally {
      proxy.forward();
    }
    const upAt = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - upAt < 15000) {
      const results = await runProbes();
      recovered = Object.entries(results).every(([name, r]) => r.status === OK[name]);
      if (!recovered) await sleep(200);
    }
    console.log(`recovered in ${Date.now() - upAt} ms`);
    expect(recovered).toBe(true);
    expect(proc.output()).not.toContain('unhandled error');
  }, 60000);
});
