// web_app buttons `{text, web_app: {url}}` in every dialect: Quanta payload.buttons, the
// Telegram form's inline_keyboard (grammY), Koto rows; the URL rule is the mini app's.
import { Bot, InlineKeyboard } from 'grammy';
import { startListening, history, type Listening } from '../gateway/support';
import { bearer, botAuth, userBotChat } from '../support/fixtures';
import { tgIdOf } from '../support/internals';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const APP = 'https://shop.example.com/app';
const webApp = (text: string, url = APP) => ({ text, web_app: { url } });

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(() => p?.close());

describe('Quanta payload.buttons', () => {
  it('sends a web_app button the messenger shows as sent', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    const buttons = [[webApp('Open shop'), { text: 'Help', callback_data: 'help' }]];
    const res = await p.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'Pick', payload: { buttons } });
    expect(res.status).toBe(200);
    const [shown] = await history(p.http, user, chatId);
    expect(shown!.payload.buttons).toEqual(buttons);
  });

  it.each([
    // The scheme is checked after the syntax, by the rule that knows WEBAPP_ALLOW_HTTP.
    [{ url: 'http://shop.example.com/' }, 'buttons[0][0].web_app.url: must be an https URL'],
    [{ url: 'javascript:alert(1)' }, 'payload.buttons[0][0].web_app.url: must be an https URL'],
    [
      {},
      'payload.buttons[0][0]: each button is {text, callback_data}, {text, url} or {text, web_app: {url}}',
    ],
  ])('refuses web_app %j with a clear 400', async (app, error) => {
    const { bot, chatId } = await userBotChat(p.http);
    const res = await p.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({
        chat_id: chatId,
        content: 'x',
        payload: { buttons: [[{ text: 'Go', web_app: app }]] },
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
  });

  it('a person cannot forge web_app_data in a payload', async () => {
    const { user, chatId } = await userBotChat(p.http);
    const res = await p.http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'hi', payload: { web_app_data: { data: 'x' } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('payload.web_app_data: is set by the server');
  });
});

describe('the Telegram form (grammY) and the Koto form', () => {
  it('sends and edits inline_keyboard web_app buttons', async () => {
    const { user, bot: tb, chatId } = await userBotChat(p.http);
    const bot = new Bot(tb.telegramToken, { client: { apiRoot: p.apiRoot } });
    const target = await tgIdOf(p.platform, user.id);
    const sent = await bot.api.sendMessage(target, 'Open it', {
      reply_markup: new InlineKeyboard().webApp('Open', APP),
    });
    expect(sent.reply_markup).toEqual({ inline_keyboard: [[webApp('Open')]] });
    const [shown] = await history(p.http, user, chatId);
    expect(shown!.payload.buttons).toEqual([[webApp('Open')]]);

    const edited = await bot.api.editMessageReplyMarkup(target, sent.message_id, {
      reply_markup: new InlineKeyboard().webApp('Other', `${APP}/2`),
    });
    expect(edited).toMatchObject({
      reply_markup: { inline_keyboard: [[webApp('Other', `${APP}/2`)]] },
    });
    await expect(
      bot.api.editMessageReplyMarkup(target, sent.message_id, {
        reply_markup: new InlineKeyboard().webApp('Plain', 'http://shop.example.com/'),
      }),
    ).rejects.toMatchObject({ error_code: 400 });
  });

  it('accepts Koto rows with web_app buttons', async () => {
    const { user, bot, chatId } = await userBotChat(p.http);
    const res = await fetch(`${p.apiRoot}/sendMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bot.apiKey.replace(/^bot_/, 'kbot_')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ chat_id: chatId, text: 'Koto', reply_markup: [[webApp('Go')]] }),
    });
    const body = (await res.json()) as { ok: boolean };
    expect(body.ok).toBe(true);
    const shown = (await history(p.http, user, chatId)).find((m) => m.content === 'Koto');
    expect(shown!.payload.buttons).toEqual([[webApp('Go')]]);
  });
});

describe('WEBAPP_ALLOW_HTTP=true', () => {
  let dev: TestPlatform;
  beforeAll(async () => {
    dev = await startTestPlatform({ WEBAPP_ALLOW_HTTP: 'true' });
  });
  afterAll(() => dev?.close());

  it('lets a web_app button open an http URL', async () => {
    const { bot, chatId } = await userBotChat(dev.http);
    const buttons = [[webApp('Local', 'http://localhost:5173/')]];
    await dev.http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'dev', payload: { buttons } })
      .expect(200);
  });
});
