// A real browser: the example host page opens the example mini apps in a sandboxed iframe
// (another origin), the app calls ready() and shows its MainButton, the test clicks it, and
// sendData reaches a grammY bot, which answers in the chat. Once with KotoWebApp, once with
// an unmodified Telegram-style app loading telegram.org's script (answered by ours).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Bot } from 'grammy';
import { chromium, type Browser } from 'playwright-core';
import { eventually, history, startListening, type Listening } from '../gateway/support';
import { botAuth, userBotChat } from '../support/fixtures';

const EXAMPLE = path.join(__dirname, '../../examples/mini-app');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A server for one origin: example files, and paths forwarded to the platform. */
async function serve(host: string, forward: (p: string) => boolean, platform: string) {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (forward(url)) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const headers = { ...(req.headers as Record<string, string>) };
        delete headers.host;
        fetch(platform + url, { method: req.method, headers, body })
          .then(async (r) => {
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' });
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      });
      return;
    }
    const file = path.join(EXAMPLE, path.basename(url.split('?')[0]!));
    try {
      const text = readFileSync(file);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(text);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    server,
    origin: `http://${host === '127.0.0.1' ? host : 'localhost'}:${(server.address() as AddressInfo).port}`,
  };
}

let p: Listening;
let browser: Browser;
let servers: Server[] = [];
let hostOrigin: string;
let appOrigin: string;

beforeAll(async () => {
  p = await startListening({ WEBAPP_ALLOW_HTTP: 'true' });
  const platform = `http://127.0.0.1:${p.port}`;
  // Two origins: the messenger's host page, and the mini app's own.
  const host = await serve('127.0.0.1', (u) => u.startsWith('/api/'), platform);
  const app = await serve('localhost', (u) => u.endsWith('webapp.js'), platform);
  servers = [host.server, app.server];
  hostOrigin = host.origin;
  appOrigin = app.origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  await p?.close();
});

/** A grammY bot answering mini-app data in the chat, over the gateway's long poll. */
function startBot(token: string) {
  const bot = new Bot(token, { client: { apiRoot: p.apiRoot } });
  bot.on('message:web_app_data', (ctx) =>
    ctx.reply(`Got ${ctx.message.web_app_data.data} via "${ctx.message.web_app_data.button_text}"`),
  );
  void bot.start({ timeout: 1 });
  return bot;
}

async function runApp(appPath: string, expected: RegExp) {
  const { user, bot: tb, chatId } = await userBotChat(p.http);
  await p.http
    .put('/api/v1/bot/webapp')
    .set(botAuth(tb))
    .send({ url: `${appOrigin}${appPath}` })
    .expect(200);
  const bot = startBot(tb.telegramToken);
  const context = await browser.newContext();
  try {
    // The unmodified Telegram-style page asks telegram.org; the platform's script answers.
    await context.route('https://telegram.org/js/telegram-web-app.js', async (route) => {
      const js = await fetch(`http://127.0.0.1:${p.port}/telegram-web-app.js`);
      await route.fulfill({ contentType: 'text/javascript', body: await js.text() });
    });
    const page = await context.newPage();
    const launch = new URLSearchParams({ chat: chatId, token: user.token });
    await page.goto(`${hostOrigin}/host.html#${launch.toString()}`);
    const mainButton = page.locator('#main-button');
    await mainButton.waitFor({ state: 'visible' });
    expect(await page.locator('#status').textContent()).toBe('ready');
    await mainButton.click();
    await page.locator('#status', { hasText: 'sent' }).waitFor();
    // The app closed after sendData, as the bridge says.
    expect(await page.locator('iframe').count()).toBe(0);
    const answer = await eventually('the bot to answer', async () =>
      (await history(p.http, user, chatId)).find((m) => m.sender.id === tb.userId),
    );
    expect(answer.content).toMatch(expected);
  } finally {
    await context.close();
    await bot.stop();
  }
}

test('a KotoWebApp mini app sends its data to a grammY bot, which answers', async () => {
  await runApp('/index.html', /^Got \{"pizza":"Margherita"\} via "Open"$/);
});

test('an unmodified Telegram-style mini app runs on telegram-web-app.js', async () => {
  await runApp('/telegram.html', /^Got \{"stars":5,"user":\d{6,}\} via "Open"$/);
});
