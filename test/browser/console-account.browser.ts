// The console's account screens in a real browser: sign up, the session kept across a
// reload, sign out, sign in again, a wrong password's sentence, phone width and dark theme.
import type { Page } from 'playwright-core';
import { eventually } from '../gateway/support';
import {
  newPage,
  shot,
  signUpAs,
  startConsole,
  uniqueName,
  type ConsoleHarness,
} from './console-support';

let h: ConsoleHarness;

/** The signed-in user's published key, asked with the page's own session. */
function publicKeyOf(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('quanta.session') ?? '{}') as {
      token: string;
    };
    const res = await fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
    const { user } = (await res.json()) as { user: { public_key: string | null } };
    return user.public_key ?? undefined;
  });
}
beforeAll(async () => {
  h = await startConsole();
});
afterAll(async () => {
  await h?.close();
});

test('sign up, stay signed in across a reload, sign out, sign back in', async () => {
  const { context, page } = await newPage(h);
  try {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, '01-sign-in');
    const name = uniqueName('ann');
    await signUpAs(page, name);
    await shot(page, '02-signed-up');

    // The browser made a key pair and published its public half; a reload keeps the same one.
    const published = await eventually('the public key', () => publicKeyOf(page));
    expect(Buffer.from(published, 'base64')).toHaveLength(32);

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.locator('.who').textContent()).resolves.toBe(name);
    expect(await publicKeyOf(page)).toBe(published);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.getByLabel('Username').fill(name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/password/i);

    await page.getByLabel('Password').fill('correct horse battery 9');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  } finally {
    await context.close();
  }
});

test('phone width, dark theme: the header stays usable', async () => {
  const { context, page } = await newPage(h, { phone: true, dark: true });
  try {
    await signUpAs(page, uniqueName('pho'));
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(21, 24, 28)');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflow).toBe(false);
    await shot(page, '03-phone-dark');
  } finally {
    await context.close();
  }
});
