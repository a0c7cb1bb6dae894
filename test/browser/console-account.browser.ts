// The console's account screens in a real browser: sign up, the session kept across a
// reload, sign out, sign in again, a wrong password's sentence, phone width and dark theme.
import {
  newPage,
  shot,
  signUpAs,
  startConsole,
  uniqueName,
  type ConsoleHarness,
} from './console-support';

let h: ConsoleHarness;
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

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.locator('.who').textContent()).resolves.toBe(name);

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
    // Evaluated as strings: the test project has no DOM types.
    const bg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(21, 24, 28)');
    const overflow = await page.evaluate<boolean>(
      'document.documentElement.scrollWidth > document.documentElement.clientWidth',
    );
    expect(overflow).toBe(false);
    await shot(page, '03-phone-dark');
  } finally {
    await context.close();
  }
});
