/// <reference lib="dom" />
// page.evaluate callbacks run in the page: their code sees the DOM.
// The console in a real browser: the platform listening on loopback (serving dist/web at /),
// Debian's Chromium, and a screenshot per step under test-results/console/ (git-ignored).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startListening, type Listening } from '../gateway/support';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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
