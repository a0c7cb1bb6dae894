// The self-hosted gateway (ROLE=gateway) as a separate OS process: a self-custody bot's keys
// live only in its BOT_KEYS_FILE; a grammY echo bot pointed at it reads the person's box as
// text and answers; the platform relays and stores only boxes both ways.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from 'grammy';
import nacl from 'tweetnacl';
import { bearer, openChat, registerBot } from '../support/fixtures';
import { startSelfHostedGateway, type SelfHostedGatewayProcess } from '../support/processes';
import { eventually, startListening, type Listening } from '../gateway/support';
import { b64, keyedUser, seal, unseal } from './support';

let p: Listening;
let dir: string;
let gateway: SelfHostedGatewayProcess | undefined;
beforeAll(async () => {
  p = await startListening();
  dir = mkdtempSync(path.join(tmpdir(), 'self-hosted-gw-'));
});
afterAll(async () => {
  await gateway?.stop();
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  content: string;
  payload: { nonce?: string; sender_public_key?: string };
  sender: { id: string };
}

it('grammY through a self-hosted gateway process: boxes on the platform, text in the bot', async () => {
  const { http, platform } = p;
  const user = await keyedUser(http);
  const own = nacl.box.keyPair();
  const tb = await registerBot(http, user, { public_key: b64(own.publicKey) });
  const chatId = await openChat(http, user, tb);
  const keysFile = path.join(dir, 'bot-keys.json');
  const botId = tb.telegramToken.split(':')[0]!;
  writeFileSync(
    keysFile,
    JSON.stringify({ bots: [{ bot_id: botId, secret_key: b64(own.secretKey) }] }),
    {
      mode: 0o600,
    },
  );
  gateway = await startSelfHostedGateway(`http://127.0.0.1:${p.port}`, keysFile);

  const bot = new Bot(tb.telegramToken, { client: { apiRoot: gateway.url } });
  const read: string[] = [];
  bot.on('message:text', (ctx) => {
    read.push(ctx.message.text);
    return ctx.reply(`Echo: ${ctx.message.text}`);
  });
  const errors: unknown[] = [];
  bot.catch((err) => void errors.push(err));
  try {
    await new Promise<void>((onStart) => void bot.start({ onStart: () => onStart() }));
    expect(bot.botInfo.username).toBe(tb.username);
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send(seal('kept in my own hands', b64(own.publicKey), user.keys.secretKey))
      .expect(201);

    const reply = await eventually('the bot to reply', async () => {
      const res = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
      return (res.body.messages as Seen[]).find((m) => m.sender.id === tb.userId);
    });
    expect(read).toEqual(['kept in my own hands']);
    expect(reply.content).not.toContain('hands');
    expect(reply.payload.sender_public_key).toBe(b64(own.publicKey));
    expect(unseal(reply, b64(own.publicKey), user.keys.secretKey)).toBe(
      'Echo: kept in my own hands',
    );
    expect(errors).toEqual([]);
    // The platform holds no secret for this bot, and its store only boxes.
    expect(await platform.db.botSecretKey.findUnique({ where: { botId: tb.id } })).toBeNull();
    const rows = await platform.db.message.findMany({
      where: { chatId },
      select: { content: true },
    });
    expect(JSON.stringify(rows)).not.toMatch(/own hands/);
    expect(gateway.output()).not.toMatch(/own hands/);
  } catch (err) {
    // What the gateway said, for whoever reads the failure (it never logs message text).
    throw new Error(`${(err as Error).message}\n${gateway.output().slice(-4000)}`, { cause: err });
  } finally {
    await bot.stop();
  }
});
