// The console's Chats in a real browser, against a grammY bot the test starts: open the chat
// by the bot's username, the "/" command menu, live answers with inline buttons (the answer as
// a toast), a poll, a photo, edits and deletes, reactions, the pinned bar, "typing…", a quoted
// reply, the unread count of a chat that is not open, and the bot's mini app (its sendData
// reaches the bot, which answers). A screenshot per step (20-…), and one at phone width.
import type { Server } from 'node:http';
import { Bot, InlineKeyboard, InputFile } from 'grammy';
import { eventually } from '../gateway/support';
import { bearer, botAuth, registerBot } from '../support/fixtures';
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
let appServer: Server;
let appOrigin: string;

beforeAll(async () => {
  h = await startConsole();
  const app = await serveMiniApp(h);
  appServer = app.server;
  appOrigin = app.origin;
});

afterAll(async () => {
  appServer?.close();
  await h?.close();
});

/** The scenario's bot: one command per step the test takes. */
function startBot(token: string): { bot: Bot; errors: unknown[] } {
  const bot = new Bot(token, { client: { apiRoot: h.p.apiRoot } });
  const errors: unknown[] = [];
  bot.command('start', (ctx) =>
    ctx.reply('Welcome! Tap a button.', {
      reply_markup: new InlineKeyboard()
        .text('Ping', 'ping')
        .url('Docs', 'https://example.com/')
        .row()
        .text('Alert', 'alert'),
    }),
  );
  bot.callbackQuery('ping', (ctx) => ctx.answerCallbackQuery({ text: 'Pong!' }));
  bot.callbackQuery('alert', (ctx) =>
    ctx.answerCallbackQuery({ text: 'Careful now!', show_alert: true }),
  );
  bot.on('message:photo', (ctx) => ctx.reply('Nice photo'));
  bot.on('message:document', (ctx) => ctx.reply(`Got ${ctx.message.document.file_name}`));
  bot.command('poll', (ctx) =>
    ctx.replyWithPoll('Pizza or pasta?', [{ text: 'Pizza' }, { text: 'Pasta' }], {
      is_anonymous: false,
    }),
  );
  bot.command('photo', (ctx) =>
    ctx.replyWithPhoto(new InputFile(gradientPng(160, 100), 'sky.png'), { caption: 'A sky' }),
  );
  bot.command('edit', async (ctx) => {
    const draft = await ctx.reply('Draft text');
    await ctx.api.editMessageText(ctx.chat.id, draft.message_id, 'Final text');
    const gone = await ctx.reply('Short-lived');
    await ctx.api.deleteMessage(ctx.chat.id, gone.message_id);
  });
  bot.command('pin', async (ctx) => {
    const note = await ctx.reply('Remember this');
    await ctx.pinChatMessage(note.message_id);
  });
  bot.command('typing', async (ctx) => {
    await ctx.replyWithChatAction('typing');
    await new Promise((r) => setTimeout(r, 2500));
    await ctx.reply('Done thinking');
  });
  bot.command('app', (ctx) =>
    ctx.reply('Order here:', {
      reply_markup: new InlineKeyboard().webApp('Order pizza', `${appOrigin}/index.html`),
    }),
  );
  bot.on('message:web_app_data', (ctx) => ctx.reply(`Got ${ctx.message.web_app_data.data}`));
  bot.on('message:text', (ctx) =>
    ctx.reply(`Echo: ${ctx.message.text}`, {
      reply_parameters: { message_id: ctx.message.message_id },
    }),
  );
  bot.catch((err) => void errors.push(err));
  void bot.start({ timeout: 1 });
  return { bot, errors };
}

test('chat with a grammY bot: commands, buttons, polls, photos, edits, reactions, mini app', async () => {
  const { context, page } = await newPage(h);
  const name = uniqueName('cha');
  let running: { bot: Bot; errors: unknown[] } | undefined;
  try {
    await signUpAs(page, name);
    await page.getByRole('heading', { name: 'Chats' }).waitFor();
    await shot(page, '20-chats-empty');

    // The user's own bot, registered with the session's JWT, with commands and a mini app.
    const owner = await sessionUser(page);
    const tb = await registerBot(h.p.http, owner, { name: 'Helper Bot' });
    await h.p.http
      .put('/api/v1/bot/webapp')
      .set(botAuth(tb))
      .send({ url: `${appOrigin}/index.html` })
      .expect(200);
    running = startBot(tb.telegramToken);
    await running.bot.api.setMyCommands([
      { command: 'start', description: 'Say hello' },
      { command: 'poll', description: 'Ask a question' },
      { command: 'photo', description: 'Send a picture' },
    ]);

    await page.getByLabel('Open a chat by username').fill(`@${tb.username}`);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Helper Bot' }).waitFor();

    // "/" lists the bot's commands; Enter picks the highlighted one.
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('/');
    const menu = page.getByRole('listbox', { name: 'Commands' });
    await menu.waitFor();
    await expect(menu.getByRole('option').allTextContents()).resolves.toEqual([
      '/start Say hello',
      '/poll Ask a question',
      '/photo Send a picture',
    ]);
    await shot(page, '21-command-menu');
    await box.press('Enter');
    await bubble(page, 'Welcome! Tap a button.').waitFor();
    const docs = page.getByRole('link', { name: /Docs/ });
    expect(await docs.getAttribute('target')).toBe('_blank');
    expect(await docs.getAttribute('rel')).toContain('noopener');
    await shot(page, '22-bot-answers-with-buttons');

    await page.getByRole('button', { name: 'Ping' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Pong!' }).waitFor();
    await shot(page, '23-callback-toast');
    // show_alert: a dialog that waits for OK.
    await page.getByRole('button', { name: 'Alert' }).click();
    const alert = page.getByRole('dialog', { name: 'Message from the bot' });
    await alert.getByText('Careful now!').waitFor();
    await shot(page, '23-callback-alert');
    await alert.getByRole('button', { name: 'OK' }).click();
    await alert.waitFor({ state: 'hidden' });

    await send(page, '/poll');
    const poll = page.getByRole('group', { name: 'Pizza or pasta?' });
    await poll.getByRole('button', { name: 'Pizza' }).click();
    await poll.getByText('Retract vote').waitFor();
    await expect(poll.getByText('1 vote', { exact: false }).count()).resolves.toBeGreaterThan(0);
    await shot(page, '24-poll-results');
    await poll.getByRole('button', { name: 'Retract vote' }).click();
    await poll.getByRole('button', { name: 'Pasta' }).click();
    await poll.getByText('Pasta1 · 100%').waitFor();

    await send(page, '/photo');
    const photo = page.getByRole('img', { name: 'A sky' });
    await photo.waitFor();
    // Loaded and decoded: the bytes came through the session-authorised media route.
    await page.waitForFunction("document.querySelector('img.photo')?.naturalWidth === 160");
    await shot(page, '25-photo');
    // Mine: a photo and a document through the composer's file inputs.
    await page.getByLabel('Photo to send').setInputFiles({
      name: 'dot.png',
      mimeType: 'image/png',
      buffer: gradientPng(80, 60),
    });
    await page.locator('.bubble.mine img.photo').waitFor();
    await bubble(page, 'Nice photo').waitFor();
    await page.getByLabel('File to send').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('shopping list'),
    });
    await page.locator('.bubble.mine .document').filter({ hasText: 'notes.txt' }).waitFor();
    await bubble(page, 'Got notes.txt').waitFor();
    await shot(page, '25-sent-photo-and-document');

    await send(page, '/edit');
    await bubble(page, 'Final text').getByText('edited').waitFor();
    await page.getByTestId('message-removed').waitFor();
    expect(await page.getByTestId('message').filter({ hasText: 'Draft text' }).count()).toBe(0);
    await shot(page, '26-edited-and-deleted');

    const final = bubble(page, 'Final text');
    await final.getByRole('button', { name: 'React' }).click();
    await page.getByRole('menuitem', { name: '👍' }).click();
    await final.getByRole('button', { name: /👍 1, yours/ }).waitFor();
    await shot(page, '27-reaction');

    await send(page, '/pin');
    await page.getByTestId('pinned').filter({ hasText: 'Remember this' }).waitFor();
    await shot(page, '28-pinned');

    await send(page, '/typing');
    await page.getByTestId('typing').filter({ hasText: 'is typing…' }).waitFor();
    await shot(page, '29-typing');
    await bubble(page, 'Done thinking').waitFor();

    await bubble(page, 'Done thinking').getByRole('button', { name: 'Reply' }).click();
    await page.getByTestId('composer-context').filter({ hasText: 'Done thinking' }).waitFor();
    await send(page, 'Thanks!');
    const mine = page.locator('.bubble.mine').filter({ hasText: 'Thanks!' });
    await mine.getByTestId('quote').filter({ hasText: 'Done thinking' }).waitFor();
    await bubble(page, 'Echo: Thanks!').getByTestId('quote').waitFor();
    await shot(page, '30-reply-with-quote');

    // My own message: edit it, then delete it.
    await mine.getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('composer-context').filter({ hasText: 'Editing' }).waitFor();
    await box.fill('Thanks a lot!');
    await box.press('Enter');
    await page
      .locator('.bubble.mine')
      .filter({ hasText: 'Thanks a lot!' })
      .getByText('edited')
      .waitFor();
    page.once('dialog', (d) => void d.accept());
    await page
      .locator('.bubble.mine')
      .filter({ hasText: 'Thanks a lot!' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page
      .locator('.bubble.mine')
      .filter({ hasText: 'Thanks a lot!' })
      .waitFor({ state: 'detached' });

    // Someone else writes in a chat that is not open: it appears with its unread count.
    const other = await registerUserVia(uniqueName('bob'));
    const opened = await h.p.http
      .post('/api/v1/chats')
      .set(bearer(other))
      .send({ username: name })
      .expect(201);
    await h.p.http
      .post(`/api/v1/chats/${opened.body.chat.id}/messages`)
      .set(bearer(other))
      .send({ content: 'Hi there, are you around?' })
      .expect(201);
    const item = page.getByTestId('chat-item').filter({ hasText: 'Hi there' });
    await item.getByTestId('unread').filter({ hasText: '1' }).waitFor();
    await shot(page, '31-unread-count');

    // The bot's menu button opens its mini app; the app's MainButton sends data to the bot.
    await page.getByRole('button', { name: 'Open app' }).click();
    const sheet = page.getByRole('dialog', { name: /Mini app/ });
    const main = sheet.locator('.main-button');
    await main.waitFor();
    await shot(page, '32-mini-app');
    await main.click();
    await sheet.waitFor({ state: 'detached' });
    await bubble(page, 'Got {"pizza":"Margherita"}').waitFor();
    await shot(page, '33-mini-app-answer');

    // The unread chat, opened, is read: its badge goes.
    await item.click();
    await page.getByRole('heading', { name: other.username }).waitFor();
    await item.getByTestId('unread').waitFor({ state: 'detached' });
    // …and the server agrees: the marker moved.
    await eventually('the read marker to reach the server', async () => {
      const list = await h.p.http.get('/api/v1/chats').set(bearer(owner)).expect(200);
      const bob = (list.body.chats as { id: string; unread_count: number }[]).find(
        (c) => c.id === opened.body.chat.id,
      );
      return bob?.unread_count === 0 || undefined;
    });
    expect(running.errors).toEqual([]);
  } finally {
    await running?.bot.stop();
    await context.close();
  }
}, 180_000);

test('phone width: the chat fills the screen without scrolling sideways', async () => {
  const { context, page } = await newPage(h, { phone: true, dark: true });
  try {
    const name = uniqueName('pho');
    await signUpAs(page, name);
    const tb = await registerBot(h.p.http, await sessionUser(page), { name: 'Phone Bot' });
    const { bot } = startBot(tb.telegramToken);
    try {
      // An unknown name: the server's sentence, in place.
      await page.getByLabel('Open a chat by username').fill('nobody_here_at_all');
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('alert').waitFor();
      await page.getByLabel('Open a chat by username').fill(tb.username);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await send(page, '/start');
      await bubble(page, 'Welcome! Tap a button.').waitFor();
      await send(page, '/poll');
      await page.getByRole('group', { name: 'Pizza or pasta?' }).waitFor();
      const overflow = await page.evaluate<boolean>(
        'document.documentElement.scrollWidth > document.documentElement.clientWidth',
      );
      expect(overflow).toBe(false);
      await shot(page, '34-phone-chat');
      // A web_app button opens the app from that message, in a sheet at phone width.
      await send(page, '/app');
      await page.getByRole('button', { name: 'Order pizza' }).click();
      const main = page.getByRole('dialog', { name: /Mini app/ }).locator('.main-button');
      await main.waitFor();
      await shot(page, '34-phone-mini-app');
      await main.click();
      await bubble(page, 'Got {"pizza":"Margherita"}').waitFor();
      await page.getByRole('link', { name: 'Back to the chats' }).click();
      await page.getByTestId('chat-item').first().waitFor();
      await shot(page, '35-phone-list');
    } finally {
      await bot.stop();
    }
  } finally {
    await context.close();
  }
}, 90_000);

async function registerUserVia(username: string) {
  const res = await h.p.http
    .post('/api/v1/auth/register')
    .send({ username, password: 'correct horse battery 9' })
    .expect(201);
  return { username, token: res.body.token as string };
}
