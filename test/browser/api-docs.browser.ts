// GET /docs in a real browser: Swagger UI, served from npm (no CDN), renders the OpenAPI
// document — each API's operations listed and one opened to its schema. Screenshot:
// test-results/console/90-api-docs.png.
import { newPage, shot, startConsole, type ConsoleHarness } from './console-support';

let h: ConsoleHarness;
beforeAll(async () => {
  h = await startConsole();
});
afterAll(async () => {
  await h?.close();
});

test('/docs renders every API of the OpenAPI document', async () => {
  const { context, page } = await newPage(h);
  try {
    // Only the page's own origin answers: anything fetched from elsewhere fails the test.
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(h.origin) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto(`${h.origin}/docs`);
    await page.locator('.opblock').first().waitFor();
    for (const path of ['/api/v1/auth/register', '/api/v1/bot/send-message', '/getUpdates']) {
      await page.locator('.opblock-summary-path', { hasText: path }).first().waitFor();
    }
    expect(await page.locator('.opblock').count()).toBeGreaterThan(100);
    await shot(page, '90-api-docs');

    await page.locator('.opblock-summary-path', { hasText: '/api/v1/bot/send-message' }).click();
    await page.locator('.opblock.is-open .opblock-section').first().waitFor();
    await shot(page, '91-api-docs-operation');
    expect(foreign).toEqual([]);
  } finally {
    await context.close();
  }
});
