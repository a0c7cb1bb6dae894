// The worker process SIGKILLed in the middle of a delivery: the update still arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { createTestEnv, platformFor, type Env } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';
import { Receiver } from '../support/receiver';

const ROOT = path.resolve(__dirname, '../..');

function startWorker(env: Env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, ROLE: 'worker' },
    stdio: 'ignore',
  });
}

describe('a worker killed mid-delivery', () => {
  let env: Env;
  let drop: () => Promise<void>;
  let api: Platform;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const e = await createTestEnv({ ROLE: 'api', WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2' });
    env = e.env;
    drop = e.drop;
    api = platformFor(env);
  });

  afterAll(async () => {
    children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    await api.stop();
    await drop();
  });

  it('loses nothing: another worker delivers the same update', async () => {
    const receiver = await Receiver.start();
    try {
      receiver.onRequest((_r, n) => (n === 1 ? 'hang' : { status: 200 }));
      const http = supertest(api.api);
      const { user, bot, chatId } = await userBotChat(http);
      await http
        .put('/api/v1/bot/webhook')
        .set(botAuth(bot))
        .send({ url: receiver.url })
        .expect(200);

      const first = startWorker(env);
      children.push(first);
      await say(http, user, chatId, 'survive the crash');
      const [inFlight] = await receiver.waitFor(1, 20000);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));

      children.push(startWorker(env));
      const all = await receiver.waitFor(2, 40000);
      const redelivered = all[1]!;
      expect(redelivered.headers['webhook-id']).toBe(inFlight!.headers['webhook-id']);
      expect(JSON.parse(redelivered.body).payload.content).toBe('survive the crash');
      const info = await http.get('/api/v1/bot/webhook').set(botAuth(bot)).expect(200);
      for (let i = 0; i < 50 && info.body.pending_update_count !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        info.body = (await http.get('/api/v1/bot/webhook').set(botAuth(bot))).body;
      }
      expect(info.body.pending_update_count).toBe(0);
    } finally {
      await receiver.close();
    }
  }, 60000);
});
