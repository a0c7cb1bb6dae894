// The same library bots as libraries.test.ts, on the Koto spelling of the key. grammY speaks
// the Koto form itself (the method is the whole path, the token rides in a Bearer header),
// set up the way a bot author would: buildUrl and a fetch that adds the header. telegraf and
// node-telegram-bot-api cannot send headers, so they put the kbot_ token where Telegram's goes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from 'grammy';
import { Telegraf } from 'telegraf';
import { userBotChat } from '../support/fixtures';
import { grammyScenario, ntbaScenario, telegrafScenario } from './library-bots';
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
    const errors = grammyScenario(bot, photoFile);
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
    const errors = telegrafScenario(bot, photoFile);
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
    const errors = ntbaScenario(bot, photoFile);
    try {
      await driveScenario(p.http, user, tb, chatId);
      expect(errors).toEqual([]);
    } finally {
      await bot.stopPolling();
    }
  });
});
