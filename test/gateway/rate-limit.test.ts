// The per-bot limit (RATE_LIMIT_PER_BOT, here 5/s) in both dialects, across processes, and
// client libraries recovering from its 429s by waiting retry_after.
import supertest from 'supertest';
import { Api, GrammyError } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { Telegraf, TelegramError } from 'telegraf';
import { botAuth, userBotChat } from '../support/fixtures';
import { platformFor } from '../support/platform';
import { sleep, startListening, type Listening } from './support';

const LIMIT = 5;
let p: Listening;
beforeAll(async () => {
  p = await startListening({ RATE_LIMIT_PER_BOT: String(LIMIT) });
});
afterAll(async () => {
  await p?.close();
});

const burst = <T>(n: number, fn: () => Promise<T>) => Promise.all(Array.from({ length: n }, fn));

describe('per-bot rate limit', () => {
  it('answers a gateway burst over the limit with 429, retry_after and Retry-After', async () => {
    const { bot } = await userBotChat(p.http);
    const gw = supertest(p.apiRoot);
    const other = await userBotChat(p.http);
    const answers = await burst(LIMIT + 4, () => gw.get(`/bot${bot.telegramToken}/getMe`));
    const limited = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(LIMIT);
    expect(limited).toHaveLength(4);
    const [r] = limited;
    const after = r!.body.parameters.retry_after;
    expect(after).toBeGreaterThanOrEqual(1);
    expect(r!.headers['retry-after']).toBe(String(after));
    expect(r!.body).toEqual({
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${after}`,
      error: `Too Many Requests: retry after ${after}`,
      parameters: { retry_after: after },
    });
    // Per bot: another bot is not held back by this one's burst.
    await gw.get(`/bot${other.bot.telegramToken}/getMe`).expect(200);
    await sleep(after * 1000);
    await gw.get(`/bot${bot.telegramToken}/getMe`).expect(200);
  });

  it('limits the Quanta dialect too, in its own envelope, sharing the count', async () => {
    const { bot } = await userBotChat(p.http);
    const answers = await burst(LIMIT + 2, () => p.http.get('/api/v1/bot/me').set(botAuth(bot)));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    const after = Number(limited[0]!.headers['retry-after']);
    expect(after).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body).toEqual({ error: `too many requests, retry after ${after}` });
    // The same bot's gateway calls draw on the same budget.
    const gw = await supertest(p.apiRoot).get(`/bot${bot.telegramToken}/getMe`);
    expect(gw.status).toBe(429);
  });

  it('holds across processes: the counter is in Redis', async () => {
    const { bot } = await userBotChat(p.http);
    const second = platformFor(p.env);
    try {
      const viaA = await burst(LIMIT, () => p.http.get('/api/v1/bot/me').set(botAuth(bot)));
      expect(viaA.every((r) => r.status === 200)).toBe(true);
      await supertest(second.api).get('/api/v1/bot/me').set(botAuth(bot)).expect(429);
      await supertest(second.gateway).get(`/bot${bot.telegramToken}/getMe`).expect(429);
    } finally {
      await second.stop();
    }
  });

  it('lets libraries recover: the 429 carries retry_after, and the call after it succeeds', async () => {
    const { bot, chatId } = await userBotChat(p.http);

    // grammY without plugins surfaces the 429 as a GrammyError with retry_after …
    const api = new Api(bot.telegramToken, { apiRoot: p.apiRoot });
    const results = await Promise.allSettled(
      Array.from({ length: LIMIT + 1 }, (_, i) => api.sendMessage(chatId, `burst ${i}`)),
    );
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const err = (rejected[0] as PromiseRejectedResult).reason as GrammyError;
    expect(err).toBeInstanceOf(GrammyError);
    expect(err.error_code).toBe(429);
    expect(err.parameters.retry_after).toBeGreaterThanOrEqual(1);
    // … and a call made after waiting that long goes through.
    await sleep(err.parameters.retry_after! * 1000);
    await expect(api.sendMessage(chatId, 'after the wait')).resolves.toMatchObject({
      text: 'after the wait',
    });

    // With grammY's auto-retry plugin a burst over the limit simply completes.
    const retrying = new Api(bot.telegramToken, { apiRoot: p.apiRoot });
    retrying.config.use(autoRetry());
    const sent = await Promise.all(
      Array.from({ length: LIMIT * 2 }, (_, i) => retrying.sendMessage(chatId, `retried ${i}`)),
    );
    expect(sent.map((m) => m.text)).toEqual(
      Array.from({ length: LIMIT * 2 }, (_, i) => `retried ${i}`),
    );

    // telegraf reports the same 429 with its parameters.
    await sleep(1000);
    const tg = new Telegraf(bot.telegramToken, { telegram: { apiRoot: p.apiRoot } }).telegram;
    const tgResults = await Promise.allSettled(Array.from({ length: LIMIT + 1 }, () => tg.getMe()));
    const tgErr = tgResults.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(tgErr.reason).toBeInstanceOf(TelegramError);
    expect((tgErr.reason as TelegramError).code).toBe(429);
    expect((tgErr.reason as TelegramError).parameters?.retry_after).toBeGreaterThanOrEqual(1);
  });
});
