// The same library bots as libraries.test.ts, on the Koto spelling of the key. grammY speaks
// the Koto form itself (the method is the whole path, the token rides in a Bearer header),
// set up the way a bot author would: buildUrl and a fetch that adds the header. telegraf and
// node-telegram-bot-api cannot send headers, so they put the kbot_ token where Telegram's goes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot, InlineKeyboard, InputFile } from 'grammy';
import { Markup, Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import { userBotChat } from '../support/fixtures';
import { driveScenario, PNG, startListening, type Listening } from './support';

process.env.NTBA_FIX_319 = '1';
process.env.NTBA_FIX_350 = '1';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TelegramBot = require('node-telegram-bot-api') as typeof import('node-telegram-bot-api');

let p: Listening;
let dir: string;
let photoFile: string;
beforeAll(async () => {
  p = await startListening();
  dir = mkdtempSync(path.join(tmpdir(), 'koto-libs-'));
  photoFile = path.join(dir, 'dot.png');
  writeFileSync(photoFile, PNG);
});
afterAll(async () => {
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bot's key in its Koto spelling. */
const kotoToken = (apiKey: string) => `k${apiKey}`;

describe('client libraries with Koto tokens', () => {
  it('grammY on the Koto form: /{method} with Authorization: Bearer kbot_…', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const token = kotoToken(tb.apiKey);
    const paths: string[] = [];
    const bot = new Bot(token, {
      client: {
        apiRoot: p.apiRoot,
        buildUrl: (root, _token, method) => `${root}/${method}`,
        fetch: (url: string, init: RequestInit = {}) => {
          paths.push(new URL(url).pathname);
          const headers = new Headers(init.headers);
          headers.set('authorization', `Bearer ${token}`);
          return fetch(url, { ...init, headers });
        },
      },
    });
    bot.command('start', (ctx) => ctx.reply(`Welcome! payload=${ctx.match}`));
    bot.command('menu', (ctx) =>
      ctx.reply('Pick one', { reply_markup: new InlineKeyboard().text('Yes', 'pick:yes') }),
    );
    bot.callbackQuery(/^pick:(.+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `You picked ${ctx.match[1]}` });
      await ctx.editMessageText(`Picked: ${ctx.match[1]}`);
    });
    bot.command('photo', (ctx) =>
      ctx.replyWithPhoto(new InputFile(photoFile), { caption: 'A dot' }),
    );
    bot.on('message:text', (ctx) => ctx.reply(`Echo: ${ctx.message.text}`));
    const errors: unknown[] = [];
    bot.catch((err) => void errors.push(err));
    await new Promise<void>((onStart) => void bot.start({ onStart: () => onStart() }));
    try {
      expect(bot.botInfo.username).toBe(tb.username);
      expect(String(bot.botInfo.id)).toMatch(/^bot-/);
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
      expect(paths.every((x) => !x.includes(token) && !x.startsWith('/bot'))).toBe(true);
    } finally {
      await bot.stop();
    }
  });

  it('telegraf with a kbot_ token', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new Telegraf(kotoToken(tb.apiKey), { telegram: { apiRoot: p.apiRoot } });
    bot.start((ctx) => ctx.reply(`Welcome! payload=${ctx.payload}`));
    bot.command('menu', (ctx) =>
      ctx.reply('Pick one', Markup.inlineKeyboard([Markup.button.callback('Yes', 'pick:yes')])),
    );
    bot.action(/^pick:(.+)$/, async (ctx) => {
      await ctx.answerCbQuery(`You picked ${ctx.match[1]}`);
      await ctx.editMessageText(`Picked: ${ctx.match[1]}`);
    });
    bot.command('photo', (ctx) => ctx.replyWithPhoto({ source: photoFile }, { caption: 'A dot' }));
    bot.on(message('text'), (ctx) => ctx.reply(`Echo: ${ctx.message.text}`));
    const errors: unknown[] = [];
    bot.catch((err) => void errors.push(err));
    await new Promise<void>((launched, failed) => {
      bot.launch(() => launched()).catch(failed);
    });
    try {
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
    } finally {
      bot.stop('test over');
    }
  });

  it('node-telegram-bot-api with a kbot_ token', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new TelegramBot(kotoToken(tb.apiKey), {
      baseApiUrl: p.apiRoot,
      polling: { interval: 50, params: { timeout: 1 } },
    });
    const errors: unknown[] = [];
    bot.on('polling_error', (err) => void errors.push(err));
    bot.onText(/^\/start(?:\s+(.+))?$/, (msg, match) => {
      void bot.sendMessage(msg.chat.id, `Welcome! payload=${match?.[1]}`);
    });
    bot.onText(/^\/menu$/, (msg) => {
      void bot.sendMessage(msg.chat.id, 'Pick one', {
        reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'pick:yes' }]] },
      });
    });
    bot.onText(/^\/photo$/, (msg) => {
      void bot.sendPhoto(msg.chat.id, photoFile, { caption: 'A dot' });
    });
    bot.on('callback_query', (q) => {
      const choice = q.data?.split(':')[1];
      void (async () => {
        await bot.answerCallbackQuery(q.id, { text: `You picked ${choice}` });
        await bot.editMessageText(`Picked: ${choice}`, {
          chat_id: q.message!.chat.id,
          message_id: q.message!.message_id,
        });
      })();
    });
    bot.on('message', (msg) => {
      if (msg.text && !msg.text.startsWith('/'))
        void bot.sendMessage(msg.chat.id, `Echo: ${msg.text}`);
    });
    try {
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
    } finally {
      await bot.stopPolling();
    }
  });
});
