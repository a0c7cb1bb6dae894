// The console's My bots screens in a real browser: register (the key once, in three
// spellings, with copy buttons and the warning; the Telegram-style one really works on the
// gateway), gone after a reload; settings saved and public; the webhook attempt log updating
// live; rotate (the old key refused); delete with confirmation; phone width.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { bearer, openChat, registerUser, say } from '../support/fixtures';
import {
  newPage,
  shot,
  signUpAs,
  startConsole,
  uniqueName,
  type ConsoleHarness,
} from './console-support';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let h: ConsoleHarness;
let receiver: http.Server;
let hits = 0;
beforeAll(async () => {
  h = await startConsole();
  // The bot's webhook: answers 200 to anything (the test platform allows loopback webhooks).
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(200).end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
}, 60000);
afterAll(async () => {
  receiver?.close();
  await h?.close();
});

async function getMe(token: string): Promise<{ ok: boolean; result?: { username: string } }> {
  const res = await fetch(`${h.p.apiRoot}/bot${token}/getMe`);
  return (await res.json()) as { ok: boolean; result?: { username: string } };
}

const tokenText = async (page: Page, field: string) =>
  (await page.locator(`[data-token="${field}"]`).textContent())!.trim();

/** No sideways scrolling (the phone-width rule); evaluated as a string: no DOM types here. */
const overflows = (page: Page) =>
  page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );

async function register(page: Page, name: string, username: string, description = '') {
  await page.getByRole('link', { name: 'My bots' }).click();
  await page.getByRole('heading', { name: 'Register a bot' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/^Username/).fill(username);
  if (description) await page.getByLabel(/^Description/).fill(description);
  await page.getByRole('button', { name: 'Register bot' }).click();
  await page.locator('[data-token="telegram_token"]').waitFor();
}

test('register, key once, settings, live webhook log, rotate, delete', async () => {
  const { context, page } = await newPage(h);
  try {
    await signUpAs(page, uniqueName('own'));
    const username = `${uniqueName('cb')}_bot`;
    await register(page, 'Console Bot', username, 'Made in the console');

    // The key in each spelling, labelled, each with a copy button, and the warning.
    for (const label of ['Quanta API key', 'Koto token', 'Telegram-style token']) {
      await page.getByRole('button', { name: `Copy ${label}` }).waitFor();
    }
    const apiKey = await tokenText(page, 'api_key');
    const kotoToken = await tokenText(page, 'koto_token');
    const telegramToken = await tokenText(page, 'telegram_token');
    expect(apiKey).toMatch(/^bot_/);
    expect(kotoToken).toMatch(/^kbot_/);
    expect(telegramToken).toMatch(/^\d+:/);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/shown only this once/);
    await page.getByRole('button', { name: 'Copy Telegram-style token' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Copied' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(telegramToken);
    await shot(page, '10-bot-registered-key');

    // The Telegram-style token works on the gateway.
    const me = await getMe(telegramToken);
    expect(me).toMatchObject({ ok: true, result: { username } });

    // A reload: the bot is listed, its key is gone for good.
    await page.reload();
    await page.getByRole('list', { name: 'Your bots' }).getByText(`@${username}`).waitFor();
    expect(await page.locator('[data-token]').count()).toBe(0);
    expect(await page.content()).not.toContain(apiKey.slice(4));
    await shot(page, '11-bots-list-after-reload');

    // Settings: descriptions, two commands, the mini app, an avatar; still there after a reload.
    await page.getByRole('link', { name: /Console Bot/ }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    await page.getByLabel(/^Description \(what/).fill('Answers in the console');
    await page.getByLabel('Short description').fill('Console helper');
    for (const [i, [command, description]] of [
      ['start', 'Begin here'],
      ['help', 'What I can do'],
    ].entries()) {
      await page.getByRole('button', { name: 'Add command' }).click();
      await page.getByLabel(`Command ${i + 1}`, { exact: true }).fill(command!);
      await page.getByLabel(`Description of command ${i + 1}`).fill(description!);
    }
    await page.getByLabel('Mini app URL').fill('https://app.example.com/console');
    await page.getByLabel('Menu button text').fill('Open it');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Settings saved' }).waitFor();
    await page
      .getByLabel('Upload an image')
      .setInputFiles({ name: 'a.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('toast').filter({ hasText: 'Avatar updated' }).waitFor();
    await page.locator('.bot-head img.avatar').waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    await expect(page.getByLabel('Short description').inputValue()).resolves.toBe('Console helper');
    await expect(page.getByLabel('Command 2', { exact: true }).inputValue()).resolves.toBe('help');
    await expect(page.getByLabel('Mini app URL').inputValue()).resolves.toBe(
      'https://app.example.com/console',
    );
    await page.locator('.bot-head img.avatar').waitFor();
    await shot(page, '12-bot-settings-saved');

    // A user sees them on the public profile.
    const user = await registerUser(h.p.http);
    const profile = await h.p.http
      .get(`/api/v1/bots/by-username/${username}`)
      .set(bearer(user))
      .expect(200);
    expect(profile.body.bot).toMatchObject({
      description: 'Answers in the console',
      short_description: 'Console helper',
      commands: [
        { command: 'start', description: 'Begin here' },
        { command: 'help', description: 'What I can do' },
      ],
    });
    expect(profile.body.bot.avatar).toMatch(/^\/api\/v1\/bot\/avatar\//);

    // The webhook, set with the shown key; a user's message; the attempt row appears in the
    // open panel without a reload.
    await page.evaluate('window.__notReloaded = true');
    await page
      .getByRole('table', { name: /Latest delivery attempts/ })
      .getByText('No attempts yet.')
      .waitFor();
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await h.p.http
      .put('/api/v1/bot/webhook')
      .set('x-bot-token', apiKey)
      .send({ url: hook })
      .expect(200);
    const botId = profile.body.bot.id as string;
    const chatId = await openChat(h.p.http, user, {
      id: botId,
      userId: '',
      username,
      apiKey,
      telegramToken,
    });
    await say(h.p.http, user, chatId, 'hello webhook');
    await page.getByTestId('webhook-url').filter({ hasText: hook }).waitFor();
    const row = page.getByRole('table', { name: /Latest delivery attempts/ }).locator('tbody tr');
    await row.filter({ hasText: '200' }).first().waitFor({ timeout: 15000 });
    expect(hits).toBeGreaterThan(0);
    await expect(page.evaluate('window.__notReloaded')).resolves.toBe(true);
    await row.first().scrollIntoViewIfNeeded();
    await shot(page, '13-webhook-attempt-live');

    // Rotate: confirmed, a new key shown once; the old key is refused.
    await page.getByRole('button', { name: 'Rotate key…' }).click();
    const rotate = page.getByRole('dialog', { name: /Rotate the key of Console Bot/ });
    await rotate.waitFor();
    await rotate.getByRole('button', { name: 'Rotate key' }).click();
    await page.locator('[data-token="telegram_token"]').waitFor();
    const newToken = await tokenText(page, 'telegram_token');
    expect(newToken).not.toBe(telegramToken);
    await page.getByRole('heading', { name: /New key for Console Bot/ }).scrollIntoViewIfNeeded();
    await shot(page, '14-key-rotated');
    expect(await getMe(telegramToken)).toMatchObject({ ok: false, error_code: 401 });
    expect(await getMe(newToken)).toMatchObject({ ok: true, result: { username } });

    // Delete: the dialog names the bot; Esc cancels; confirming removes it from the list.
    await page.getByRole('button', { name: 'Delete bot…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete Console Bot (@${username})?` });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete bot…' }).click();
    await dialog.waitFor();
    await shot(page, '15-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete Console Bot' }).click();
    await page.getByRole('heading', { name: 'My bots' }).waitFor();
    await page.getByText('No bots yet').waitFor();
    await page.reload();
    await page.getByText('No bots yet').waitFor();
    await shot(page, '16-bot-deleted');
  } finally {
    await context.close();
  }
}, 120000);

test('phone width, dark theme: the key panel and a bot’s screen fit', async () => {
  const { context, page } = await newPage(h, { phone: true, dark: true });
  try {
    await signUpAs(page, uniqueName('pho'));
    await register(page, 'Pocket Bot', `${uniqueName('pb')}_bot`);
    expect(await overflows(page)).toBe(false);
    await page.getByRole('heading', { name: /Key for Pocket Bot/ }).scrollIntoViewIfNeeded();
    await shot(page, '17-phone-key');
    await page.getByRole('link', { name: /Pocket Bot/ }).click();
    await page.getByRole('button', { name: 'I have saved the key' }).click();
    await page.getByRole('button', { name: 'Add command' }).click();
    await page.getByRole('heading', { name: 'Webhook' }).waitFor();
    expect(await overflows(page)).toBe(false);
    await shot(page, '18-phone-bot');
  } finally {
    await context.close();
  }
}, 60000);
