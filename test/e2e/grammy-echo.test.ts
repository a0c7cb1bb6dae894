// Issue 13's echo bot on an encrypted chat, through the managed gateway: the person's client
// (tweetnacl) sends a box, a grammY bot pointed at the gateway reads plaintext and answers
// with ctx.reply, and the person opens the bot's box to the echo.
import { Bot } from 'grammy';
import { bearer, openChat, registerBot } from '../support/fixtures';
import { eventually, startListening, type Listening } from '../gateway/support';
import { botPublicKey, keyedUser, seal, unseal } from './support';

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(async () => {
  await p?.close();
});

interface Seen {
  content: string;
  payload: { nonce?: string; sender_public_key?: string };
  sender: { id: string };
}

it('grammY echoes a box: the bot reads plaintext, the person opens the reply', async () => {
  const { http } = p;
  const user = await keyedUser(http);
  const tb = await registerBot(http, user);
  const chatId = await openChat(http, user, tb);
  const botKey = await botPublicKey(http, tb.apiKey);

  const bot = new Bot(tb.telegramToken, { client: { apiRoot: p.apiRoot } });
  const read: string[] = [];
  bot.on('message:text', (ctx) => {
    read.push(ctx.message.text);
    return ctx.reply(`Echo: ${ctx.message.text}`);
  });
  const errors: unknown[] = [];
  bot.catch((err) => void errors.push(err));
  await new Promise<void>((onStart) => void bot.start({ onStart: () => onStart() }));
  try {
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send(seal('whispered hello', botKey, user.keys.secretKey))
      .expect(201);

    const reply = await eventually('the bot to reply', async () => {
      const res = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
      return (res.body.messages as Seen[]).find((m) => m.sender.id === tb.userId);
    });
    expect(read).toEqual(['whispered hello']);
    // What the messenger shows is a box from the bot's key, not the echo.
    expect(reply.content).not.toContain('whispered');
    expect(reply.payload.sender_public_key).toBe(botKey);
    expect(unseal(reply, botKey, user.keys.secretKey)).toBe('Echo: whispered hello');
    expect(errors).toEqual([]);
  } finally {
    await bot.stop();
  }
});
