/// <reference lib="dom" />
// page.evaluate callbacks run in the page: their code sees the DOM.
// The console in a real browser: the platform listening on loopback (serving dist/web at /),
// Debian's Chromium, and a screenshot per step under test-results/console/ (git-ignored).
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startListening, type Listening } from '../gateway/support';
import type { TestUser } from '../support/fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXAMPLE_APP = path.join(__dirname, '../../examples/mini-app');
export const SHOTS = path.join(__dirname, '../../test-results/console');

export interface ConsoleHarness {
  p: Listening;
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

export async function startConsole(env: Record<string, string> = {}): Promise<ConsoleHarness> {
  const p = await startListening({ WEBAPP_ALLOW_HTTP: 'true', ...env });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
  return {
    p,
    browser,
    origin: `http://127.0.0.1:${p.port}`,
    async close() {
      await browser.close();
      await p.close();
    },
  };
}

/** A fresh browser profile (its own localStorage and IndexedDB), phone-sized when asked. */
export async function newPage(
  h: ConsoleHarness,
  opts: { phone?: boolean; dark?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    viewport: opts.phone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
    colorScheme: opts.dark ? 'dark' : 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  // A page error is a failed test, not a silent blank screen.
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(h.origin + '/');
  return { context, page };
}

/** `NN-name.png` in test-results/console/, in the order the test takes its steps. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

let serial = 0;
/** A username no other run has taken (the usernames' rules: a-z, 0-9, _). */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(serial++).toString(36)}`.slice(0, 24);
}

/** Signs up through the form, as a new user would. */
export async function signUpAs(page: Page, username: string, password = 'correct horse battery 9') {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The signed-in user as the API fixtures take it, from the console's stored session. */
export async function sessionUser(page: Page): Promise<TestUser> {
  const s = await page.evaluate<{ token: string; user: { id: string; username: string } }>(
    "JSON.parse(localStorage.getItem('quanta.session'))",
  );
  return { id: s.user.id, username: s.user.username, token: s.token, password: '' };
}

/**
 * The example mini app (examples/mini-app) on an origin of its own — localhost, not
 * 127.0.0.1 — with the bridge scripts forwarded to the platform, as a bot's host would be.
 */
export async function serveMiniApp(h: ConsoleHarness): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.endsWith('webapp.js')) {
      fetch(`${h.origin}${url}`)
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'text/javascript' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
      return;
    }
    try {
      const file = readFileSync(path.join(EXAMPLE_APP, path.basename(url.split('?')[0]!)));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(file);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/** A w×h PNG, a blue-to-white gradient: a photo big enough to see in a screenshot. */
export function gradientPng(w: number, h: number): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      const t = y / h;
      raw[row + 1 + x * 3] = Math.round(70 + 185 * t);
      raw[row + 2 + x * 3] = Math.round(130 + 125 * t);
      raw[row + 3 + x * 3] = 230;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The last message in the open chat that shows `text`. */
export const bubble = (page: Page, text: string) =>
  page.getByTestId('message').filter({ hasText: text }).last();

/** Types into the composer and presses Enter, as a person sends. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}
