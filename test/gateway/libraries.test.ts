// Real bots written with grammY, telegraf and node-telegram-bot-api, each pointed at the
// gateway by its API root only, driven by a messenger user through the messenger API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot, InlineKeyboard, InputFile } from 'grammy';
import { Markup, Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import { userBotChat } from '../support/fixtures';
import { driveScenario, PNG, startListening, type Listening } from './support';

// node-telegram-bot-api 0.x warns at construction unless told which promise behaviour to
// keep; the flag opts into the future one.
process.env.NTBA_FIX_319 = '1';
// … and, for file uploads, which content-type behaviour.
process.env.NTBA_FIX_350 = '1';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TelegramBot = require('node-telegram-bot-api') as typeof import('node-telegram-bot-api');

let p: Listening;
let dir: string;
let photoFile: string;
beforeAll(async () => {
  p = await startListening();
  dir = mkdtempSync(path.join(tmpdir(), 'gateway-libs-'));
  photoFile = path.join(dir, 'dot.png');
  writeFileSync(photoFile, PNG);
});
afterAll(async () => {
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client libraries against the gateway', () => {
  it('grammY', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new Bot(tb.telegramToken, { client: { apiRoot: p.apiRoot } });
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
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('telegraf', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new Telegraf(tb.telegramToken, { telegram: { apiRoot: p.apiRoot } });
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
    const stopped = new Promise<void>((launched, failed) => {
      bot.launch(() => launched()).catch(failed);
    });
    await stopped;
    try {
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
    } finally {
      bot.stop('test over');
    }
  });

  it('node-telegram-bot-api', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new TelegramBot(tb.telegramToken, {
      baseApiUrl: p.apiRoot,
      // A short hold, so stopPolling() (which lets the current poll finish) is quick.
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
