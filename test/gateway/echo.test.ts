// The Koto reference's echo.sh, unmodified (test/gateway/echo.sh is the spec's text), run
// against GATEWAY_PORT. The script hard-codes http://127.0.0.1:8090, so this file binds it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { say, userBotChat } from '../support/fixtures';
import { botSaid, startListening, type Listening } from './support';

const SCRIPT = path.join(__dirname, 'echo.sh');

let p: Listening | undefined;
let skipReason: string | undefined;

const missingTool = ['jq', 'curl', 'bash'].find(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);

beforeAll(async () => {
  if (missingTool) {
    skipReason = `${missingTool} is not installed (scripts/setup.sh installs it as root)`;
    return;
  }
  try {
    p = await startListening({ GATEWAY_PORT: '8090' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    skipReason = 'port 8090 is taken (another gateway or test run?), and echo.sh hard-codes it';
  }
});
afterAll(async () => {
  await p?.close();
});

describe("the reference's echo.sh", () => {
  it('echoes a message, unmodified, against GATEWAY_PORT 8090', async () => {
    if (!p) {
      console.warn(`SKIPPED echo.sh test: ${skipReason}`);
      return;
    }
    const { user, bot, chatId } = await userBotChat(p.http);
    // An empty working directory: the script word-splits and globs curl's output.
    const cwd = mkdtempSync(path.join(tmpdir(), 'echo-sh-'));
    let child: ChildProcess | undefined;
    try {
      child = spawn('bash', [SCRIPT], {
        cwd,
        env: { ...process.env, BOT_TOKEN: bot.apiKey },
        detached: true, // its own process group, so curl goes down with it
        stdio: 'ignore',
      });
      await say(p.http, user, chatId, 'hello');
      await botSaid(p.http, user, bot, chatId, 'Echo: hello');
      await say(p.http, user, chatId, '/start');
      await botSaid(p.http, user, bot, chatId, 'Echo: /start');
    } finally {
      if (child?.pid) process.kill(-child.pid, 'SIGTERM');
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
