// The real entry point (src/main.ts) as a child process: start, serve, shut down gracefully.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createTestEnv, type Env } from '../support/platform';
import { registerUser, registerBot } from '../support/fixtures';
import supertest from 'supertest';
import { freePort } from '../support/processes';

const ROOT = path.resolve(__dirname, '../..');

function start(env: Env): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('not ready');
}

describe('the server process', () => {
  let env: Env;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const e = await createTestEnv();
    env = { ...e.env, LOG_LEVEL: 'info' };
    drop = e.drop;
  });
  afterAll(() => drop());

  it('stops on SIGTERM: parked polls answer, in-flight work finishes, exit code 0', async () => {
    const port = await freePort();
    const { child, output } = start({
      ...env,
      PORT: String(port),
      GATEWAY_PORT: String(await freePort()),
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url);
      const http = supertest(url);
      const owner = await registerUser(http);
      const bot = await registerBot(http, owner);
      const poll = fetch(`${url}/api/v1/bot/updates?timeout=30`, {
        headers: { 'x-bot-token': bot.apiKey },
      });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      child.kill('SIGTERM');
      const res = await poll;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ updates: [] });
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      expect(output()).toContain('shutting down');
      // Request logs name the route but never the key.
      expect(output()).toContain('/api/v1/bot/updates');
      expect(output()).not.toContain(bot.apiKey);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30000);

  it('refuses to start with an invalid variable, naming it', async () => {
    const { child, output } = start({ ...env, PORT: 'eighty' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('PORT');
  }, 20000);
});
