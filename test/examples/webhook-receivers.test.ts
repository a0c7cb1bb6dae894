// The example receivers in examples/, run as their headers say (`node …`, `python3 …`): the
// platform delivers real webhooks to them, and they refuse tampered, stale or unsigned ones.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { webhookHeaders } from '../../src/domain/webhooks/signature';
import { createTestEnv, platformFor } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';
import { freePort, waitFor } from '../support/processes';

let platform: Platform;
let drop: () => Promise<void>;
let api: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const e = await createTestEnv();
  drop = e.drop;
  platform = platformFor(e.env);
  api = `http://127.0.0.1:${(await platform.start()).port}`;
});

afterAll(async () => {
  for (const c of children) c.kill();
  await platform.stop();
  await drop();
});

interface Running {
  url: string;
  /** The JSON lines it printed. */
  lines: () => { accepted?: string; refused?: string; update?: { payload: { content: string } } }[];
}

async function run(command: string[], env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  await waitFor(() => out.includes('listening on'), 10000).catch(() => {
    throw new Error(`${command.join(' ')} did not start:\n${out}`);
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ReturnType<Running['lines']>[number]),
  };
}

/** A delivery signed by the platform's active key and `secret`, then changed by `tamper`. */
async function forged(
  url: string,
  secret: Buffer,
  tamper: (d: { headers: Record<string, string>; body: string }) => void = () => {},
  age = 0,
): Promise<number> {
  const key = await platform.services.signingKeys.active();
  const body = JSON.stringify({ update_id: 1, type: 'message', payload: { content: 'hi' } });
  const headers = webhookHeaders({
    id: randomUUID(),
    timestamp: Math.floor(Date.now() / 1000) - age,
    body,
    secret,
    signingKey: key.signer,
  });
  const d = { headers: { ...headers, 'content-type': 'application/json' }, body };
  tamper(d);
  const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body });
  return res.status;
}

/** Another first character: the first 6 bits of the signature change. */
const altered = (b64: string) => (b64[0] === 'A' ? 'B' : 'A') + b64.slice(1);
const only = (version: string) => (d: { headers: Record<string, string> }) => {
  d.headers['webhook-signature'] = d.headers['webhook-signature']!.split(' ')
    .filter((s) => s.startsWith(`${version},`))
    .join(' ');
};

const RECEIVERS: [string, string[]][] = [
  ['JavaScript (node:http + node:crypto)', ['node', 'examples/webhook-receiver.mjs']],
  ['Python (standard library)', ['python3', path.join('examples', 'webhook_receiver.py')]],
];

describe.each(RECEIVERS)('the %s example receiver', (_name, command) => {
  it.each([
    ['the HMAC secret (v1)', 'secret'],
    ["the platform's Ed25519 key (v1a), fetched from the API", 'key'],
  ])('verifies with %s: accepts real deliveries, refuses tampered ones', async (_how, mode) => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const receiver = await run(
      command,
      mode === 'secret' ? { WEBHOOK_SECRET: secret } : { QUANTA_URL: api },
    );
    const http = supertest(api);
    const { user, bot, chatId } = await userBotChat(http);
    await http
      .put('/api/v1/bot/webhook')
      .set(botAuth(bot))
      .send({ url: receiver.url, secret })
      .expect(200);

    // Real deliveries from the platform's worker.
    await say(http, user, chatId, `first ${mode}`);
    await say(http, user, chatId, `second ${mode}`);
    await waitFor(() => receiver.lines().filter((l) => l.accepted).length === 2, 10000);
    expect(receiver.lines().map((l) => l.update?.payload.content)).toEqual([
      `first ${mode}`,
      `second ${mode}`,
    ]);
    const attempts = () => http.get('/api/v1/bot/webhook/attempts').set(botAuth(bot));
    await waitFor(async () => (await attempts()).body.attempts.length === 2, 5000);
    expect(
      (await attempts()).body.attempts.map((a: { status_code: number }) => a.status_code),
    ).toEqual([200, 200]);

    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const wrongKey = randomBytes(32);
    expect(await forged(receiver.url, key)).toBe(200); // the control: genuine
    expect(await forged(receiver.url, key, (d) => (d.body = d.body.replace('hi', 'ho')))).toBe(401);
    expect(
      await forged(receiver.url, key, (d) => {
        const sigs = d.headers['webhook-signature']!.split(' ').map((s) => {
          const [v, b64] = s.split(',');
          return `${v},${altered(b64!)}`;
        });
        d.headers['webhook-signature'] = sigs.join(' ');
      }),
    ).toBe(401);
    expect(await forged(receiver.url, key, (d) => (d.headers['webhook-id'] = randomUUID()))).toBe(
      401,
    );
    expect(await forged(receiver.url, key, () => {}, 10 * 60)).toBe(401); // 10 minutes old
    expect(await forged(receiver.url, key, (d) => delete d.headers['webhook-signature'])).toBe(401);
    if (mode === 'secret') {
      // The HMAC alone verifies; an HMAC under another secret does not.
      expect(await forged(receiver.url, key, only('v1'))).toBe(200);
      expect(await forged(receiver.url, wrongKey, only('v1'))).toBe(401);
    } else {
      // Without the secret only the Ed25519 signature counts.
      expect(await forged(receiver.url, wrongKey, only('v1a'))).toBe(200);
      expect(await forged(receiver.url, key, only('v1'))).toBe(401);
    }
    // Each refusal is said on its output (read as it arrives: the pipe may lag the answer).
    await waitFor(() => receiver.lines().filter((l) => l.refused).length === 6, 5000);
  });
});
