// Real bots written with grammY, telegraf and node-telegram-bot-api, each pointed at the
// gateway by its API root only, driven by a messenger user through the messenger API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from 'grammy';
import { Telegraf } from 'telegraf';
import { userBotChat } from '../support/fixtures';
import { grammyScenario, ntbaScenario, telegrafScenario } from './library-bots';
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
    const errors = grammyScenario(bot, photoFile);
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
    const errors = telegrafScenario(bot, photoFile);
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
    const errors = ntbaScenario(bot, photoFile);
    try {
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
    } finally {
      await bot.stopPolling();
    }
  });
});
