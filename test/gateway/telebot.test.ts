// A bot in a statically typed language, parsing ids as 64-bit integers: Go's telebot (Debian's
// golang-gopkg-telebot.v3-dev, built offline in GOPATH mode) against the Telegram form —
// /start with a payload, an echo, an inline keyboard and its callback, a photo upload, and a
// 5 MB document fetched with getFile and downloaded. Skipped, saying so, where Go is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bearer, userBotChat } from '../support/fixtures';
import { driveScenario, eventually, history, PNG, startListening, type Listening } from './support';

const GOPATH = '/usr/share/gocode';
const haveGo =
  spawnSync('go', ['version']).status === 0 && existsSync(`${GOPATH}/src/gopkg.in/telebot.v3`);
const SKIPPED =
  ' (SKIPPED: needs `go` and telebot: apt-get install golang-go golang-gopkg-telebot.v3-dev)';

let p: Listening;
let dir: string;
let binary: string;
beforeAll(async () => {
  if (!haveGo) return;
  dir = mkdtempSync(path.join(tmpdir(), 'telebot-'));
  binary = path.join(dir, 'bot');
  const build = spawnSync(
    'go',
    ['build', '-o', binary, path.join(__dirname, 'telebot', 'main.go')],
    {
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH,
        GOCACHE: path.join(dir, 'cache'),
        GOFLAGS: '',
      },
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`go build failed:\n${build.stderr}`);
  p = await startListening();
}, 180_000);
afterAll(async () => {
  await p?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(binary, [], { env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${out}`)), 20_000);
    child.stdout.on('data', () => {
      if (out.includes('ready as @')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`the bot exited (${code}):\n${out}`)));
  });
}

(haveGo ? it : it.skip)(
  `Go telebot: start, keyboard, callback, photo upload, getFile download of 5 MB${haveGo ? '' : SKIPPED}`,
  async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    const photo = path.join(dir, 'dot.png');
    writeFileSync(photo, PNG);
    const { child, output } = await run({
      API_ROOT: p.apiRoot,
      BOT_TOKEN: bot.telegramToken,
      PHOTO: photo,
    });
    try {
      expect(output()).toContain(
        `ready as @${bot.username} (id ${bot.telegramToken.split(':')[0]})`,
      );
      await driveScenario(p.http, user, bot, chatId);

      const bytes = randomBytes(5 * 1024 * 1024);
      await p.http
        .post(`/api/v1/chats/${chatId}/messages`)
        .set(bearer(user))
        .send({
          media: {
            data: bytes.toString('base64'),
            mime: 'application/octet-stream',
            kind: 'document',
            file_name: 'big.bin',
          },
        })
        .expect(201);
      const digest = createHash('sha256').update(bytes).digest('hex');
      const said = await eventually(
        'the bot to report the downloaded document',
        async () =>
          (await history(p.http, user, chatId)).find(
            (m) => m.sender.id === bot.userId && m.content.startsWith('got big.bin'),
          ),
        60_000,
      ).catch(() => {
        throw new Error(`no report from the bot; its output:\n${output()}`);
      });
      expect(said.content).toContain(`got big.bin: ${bytes.length} bytes, sha256 ${digest}`);
      // The ids it parsed are the Telegram form's 64-bit integers.
      expect(said.content).toMatch(/chat \d{9,}, from \d{9,}$/);
    } finally {
      child.kill('SIGTERM');
    }
  },
  120_000,
);
