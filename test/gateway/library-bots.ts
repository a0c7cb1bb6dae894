// The library scenario's bots (see driveScenario in ./support), written once for each client
// library and wired to whatever token and API root a test gives them. Each returns the
// errors its library reported, which a passing scenario leaves empty.
import { InlineKeyboard, InputFile, type Bot } from 'grammy';
import { Markup, type Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import type TelegramBot from 'node-telegram-bot-api';

export function grammyScenario(bot: Bot, photoFile: string): unknown[] {
  bot.command('start', (ctx) => ctx.reply(`Welcome! payload=${ctx.match}`));
  bot.command('menu', (ctx) =>
    ctx.reply('Pick one', { reply_markup: new InlineKeyboard().text('Yes', 'pick:yes') }),
  );
  bot.callbackQuery(/^pick:(.+)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: `You picked ${ctx.match[1]}` });
    await ctx.editMessageText(`Picked: ${ctx.match[1]}`);
  });
  bot.command('photo', (ctx) => ctx.replyWithPhoto(new InputFile(photoFile), { caption: 'A dot' }));
  bot.on('message:text', (ctx) => ctx.reply(`Echo: ${ctx.message.text}`));
  const errors: unknown[] = [];
  bot.catch((err) => void errors.push(err));
  return errors;
}

export function telegrafScenario(bot: Telegraf, photoFile: string): unknown[] {
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
  return errors;
}

export function ntbaScenario(bot: TelegramBot, photoFile: string): unknown[] {
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
  return errors;
}
