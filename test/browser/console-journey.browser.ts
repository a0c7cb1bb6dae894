// A new user's path through the console, as the issue lists it: sign up → register a bot in
// My bots → its key shown once → a grammY bot started with that key answers in the chat view
// → tap a button → the answer as a toast → vote in a poll → a photo shown → the bot's mini app
// sends data. Then an end-to-end encrypted chat between two people, each in their own
// browser: the server holds only boxes, each browser shows the other's words.
import type { Server } from 'node:http';
import { Bot, InlineKeyboard, InputFile } from 'grammy';
import type { Page } from 'playwright-core';
import { eventually } from '../gateway/support';
import { bearer } from '../support/fixtures';
import {
  bubble,
  gradientPng,
  newPage,
  send,
  serveMiniApp,
  sessionUser,
  shot,
  signUpAs,
  startConsole,
  uniqueName,
  type ConsoleHarness,
} from './console-support';

let h: ConsoleHarness;
let app: { server: Server; origin: string };

beforeAll(async () => {
  h = await startConsole();
  app = await serveMiniApp(h);
});

afterAll(async () => {
  app?.server.close();
  await h?.close();
});

async function openChatWith(page: Page, username: string, title: string) {
  await page.getByRole('link', { name: 'Chats' }).click();
  await page.getByLabel('Open a chat by username').fill(`@${username}`);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('heading', { name: title }).waitFor();
}

function startBot(token: string): Bot {
  const bot = new Bot(token, { client: { apiRoot: h.p.apiRoot } });
  bot.command('start', (ctx) =>
    ctx.reply('Hello from a grammY bot!', {
      reply_markup: new InlineKeyboard().text('Tea', 'tea').text('Coffee', 'coffee'),
    }),
  );
  bot.callbackQuery(/^(tea|coffee)$/, (ctx) =>
    ctx.answerCallbackQuery({ text: `One ${ctx.callbackQuery.data} coming up` }),
  );
  bot.command('poll', (ctx) => ctx.replyWithPoll('Best day?', [{ text: 'Sat' }, { text: 'Sun' }]));
  bot.command('photo', (ctx) =>
    ctx.replyWithPhoto(new InputFile(gradientPng(120, 80), 'dawn.png'), { caption: 'Dawn' }),
  );
  bot.on('message:web_app_data', (ctx) => ctx.reply(`Order: ${ctx.message.web_app_data.data}`));
  void bot.start({ timeout: 1 });
  return bot;
}

test('sign up, register a bot, and chat with it: buttons, a poll, a photo, its mini app', async () => {
  const { context, page } = await newPage(h);
  let bot: Bot | undefined;
  try {
    await signUpAs(page, uniqueName('new'));
    await shot(page, '40-signed-up');

    await page.getByRole('link', { name: 'My bots' }).click();
    await page.getByRole('heading', { name: 'Register a bot' }).waitFor();
    const username = `${uniqueName('jb')}_bot`;
    await page.getByLabel('Name', { exact: true }).fill('Barista');
    await page.getByLabel(/^Username/).fill(username);
    await page.getByRole('button', { name: 'Register bot' }).click();
    const tokenCell = page.locator('[data-token="telegram_token"]');
    await tokenCell.waitFor();
    const token = (await tokenCell.textContent())!.trim();
    await shot(page, '41-key-shown-once');

    // The mini app, through the bot's own settings screen.
    await page
      .getByRole('link', { name: /Barista/ })
      .first()
      .click();
    const url = page.getByLabel(/^Mini app URL/);
    await url.fill(`${app.origin}/index.html`);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Settings saved' }).waitFor();
    await shot(page, '42-bot-settings');

    bot = startBot(token);
    await openChatWith(page, username, 'Barista');
    // The person has a key (made by this browser) and every bot has one: encrypted.
    await page.getByLabel('End-to-end encrypted').first().waitFor();

    await send(page, '/start');
    await bubble(page, 'Hello from a grammY bot!').waitFor();
    await shot(page, '43-bot-answers');
    await page.getByRole('button', { name: 'Coffee' }).click();
    await page.getByTestId('toast').filter({ hasText: 'One coffee coming up' }).waitFor();
    await shot(page, '44-button-toast');

    await send(page, '/poll');
    const poll = page.getByRole('group', { name: 'Best day?' });
    await poll.getByRole('button', { name: 'Sun' }).click();
    await poll.getByText('Retract vote').waitFor();
    await shot(page, '45-poll-voted');

    await send(page, '/photo');
    await page.getByRole('img', { name: 'Dawn' }).waitFor();
    await page.waitForFunction(
      "[...document.querySelectorAll('img.photo')].some((i) => i.naturalWidth === 120)",
    );
    await shot(page, '46-photo');

    await page.getByRole('button', { name: 'Open app' }).click();
    const sheet = page.getByRole('dialog', { name: /Mini app/ });
    await sheet.locator('.main-button').waitFor();
    await shot(page, '47-mini-app');
    await sheet.locator('.main-button').click();
    await sheet.waitFor({ state: 'detached' });
    await bubble(page, 'Order: {"pizza":"Margherita"}').waitFor();
    await shot(page, '48-mini-app-answer');
    // The README's picture: the whole conversation, once the notices have gone.
    await page.getByTestId('toast').first().waitFor({ state: 'detached', timeout: 10_000 });
    await shot(page, '49-chat-overview');
  } finally {
    await bot?.stop();
    await context.close();
  }
}, 180_000);

test('an encrypted chat between two people: the server keeps boxes, both browsers read', async () => {
  const ann = await newPage(h);
  const bob = await newPage(h, { phone: true });
  try {
    const annName = uniqueName('ann');
    const bobName = uniqueName('bob');
    await signUpAs(ann.page, annName);
    await signUpAs(bob.page, bobName);
    // Each browser publishes its key on sign-in; wait until Bob's is there for Ann to see.
    const bobUser = await sessionUser(bob.page);
    await eventually('Bob to publish a key', async () => {
      const me = await h.p.http.get('/api/v1/auth/me').set(bearer(bobUser)).expect(200);
      return me.body.user.public_key ? true : undefined;
    });

    await openChatWith(ann.page, bobName, bobName);
    await ann.page.getByLabel('End-to-end encrypted').first().waitFor();
    await send(ann.page, 'Meet at the old mill at noon');
    await bubble(ann.page, 'Meet at the old mill at noon').waitFor();
    await shot(ann.page, '50-encrypted-sent');

    // Bob's browser: the chat appears with its unread message, opened in his browser.
    const item = bob.page.getByTestId('chat-item').filter({ hasText: annName });
    await item.click();
    await bubble(bob.page, 'Meet at the old mill at noon').waitFor();
    await send(bob.page, 'See you there');
    await shot(bob.page, '51-encrypted-received-phone');
    await bubble(ann.page, 'See you there').waitFor();

    // What the server holds: boxes and nonces, not the words.
    const annUser = await sessionUser(ann.page);
    const chats = await h.p.http.get('/api/v1/chats').set(bearer(annUser)).expect(200);
    const chat = (chats.body.chats as { id: string; title: string }[]).find(
      (c) => c.title === bobName,
    )!;
    const stored = await h.p.http
      .get(`/api/v1/chats/${chat.id}/messages`)
      .set(bearer(annUser))
      .expect(200);
    const messages = stored.body.messages as { content: string; payload: { nonce?: string } }[];
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      expect(m.payload.nonce).toEqual(expect.any(String));
      expect(m.content).not.toMatch(/mill|noon|See you/);
    }
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
}, 120_000);
