// The README's five-minute walkthrough, taken from the README and run as written (only the
// API address and the gateway root come from the environment, as the README allows), so the
// two cannot drift apart.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { eventually, startListening, type Listening } from '../gateway/support';

const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

/** The fenced block right after `<!-- walkthrough:<name> -->`. */
function block(name: string): string {
  const m = new RegExp(`<!-- walkthrough:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(
    readme,
  );
  if (!m) throw new Error(`README.md has no walkthrough:${name} block`);
  return m[1]!;
}

const run = (script: string, env: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', `${script}\necho "TG_TOKEN=$TG_TOKEN CHAT=$CHAT"`],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });

describe("the README's walkthrough", () => {
  let live: Listening;
  beforeAll(async () => {
    live = await startListening();
  });
  afterAll(async () => {
    await live?.close();
  });

  it('runs as written: account, bot, chat, message, updates, buttons, a tap and its answer', async () => {
    const api = `http://127.0.0.1:${live.port}/api/v1`;
    const out = await run(block('curl'), { API: api });
    const lines = out.trim().split('\n');
    // Step 4 prints what alice said; step 6 the callback update, then alice's view of it.
    expect(lines).toContain('"hello"');
    expect(lines).toContain('["callback","tea"]');
    const last = JSON.parse(lines.at(-2)!) as Record<string, unknown>;
    expect(last).toMatchObject({ answered: true, text: 'Tea it is' });

    // The grammY echo bot of the README, as a file next to the project's node_modules.
    const [, tgToken, chatId] = /TG_TOKEN=(\S+) CHAT=(\S+)/.exec(lines.at(-1)!)!;
    const dir = mkdtempSync(path.join(PROJECT_ROOT, '.walkthrough-'));
    const file = path.join(dir, 'echo.mjs');
    writeFileSync(file, block('grammy'));
    const bot = spawn(process.execPath, [file], {
      env: { ...process.env, TG_TOKEN: tgToken, API_ROOT: live.apiRoot },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      const login = await live.http
        .post('/api/v1/auth/login')
        .send({ username: 'alice', password: 'correct-horse-1' })
        .expect(200);
      const auth = { authorization: `Bearer ${login.body.token}` };
      await live.http
        .post(`/api/v1/chats/${chatId}/messages`)
        .set(auth)
        .send({ content: 'echo me' })
        .expect(201);
      await eventually('the echo', async () => {
        const res = await live.http.get(`/api/v1/chats/${chatId}/messages`).set(auth);
        const said = res.body.messages as { content: string; sender: { is_bot: boolean } }[];
        return said.find((m) => m.sender.is_bot && m.content === 'echo me');
      });
    } finally {
      bot.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
