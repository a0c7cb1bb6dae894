// The self-hosted gateway (ROLE=gateway) as a separate OS process: a self-custody bot's keys
// live only in its BOT_KEYS_FILE; a grammY bot pointed at it reads people's boxes as text and
// uses the API a bot uses day to day (echo, buttons and a tap, an edit, a photo, a group);
// the platform relays and stores only boxes both ways. tweetnacl plays the people's clients.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot, InlineKeyboard, InputFile } from 'grammy';
import nacl from 'tweetnacl';
import { z } from 'zod';
import { bearer, openChat, registerBot } from '../support/fixtures';
import { startSelfHostedGateway, type SelfHostedGatewayProcess } from '../support/processes';
import { METHOD_RESULTS } from '../support/telegram-types';
import { eventually, PNG, startListening, type Listening } from '../gateway/support';
import {
  b64,
  groupOf,
  keyedUser,
  seal,
  sealGroup,
  unb64,
  unseal,
  unsealGroup,
  type GroupMessageView,
  type KeyedUser,
} from './support';

interface Seen extends GroupMessageView {
  id: string;
  sender: { id: string };
  edited_at?: string;
  media?: { id: string; kind: string; mime: string };
  payload: GroupMessageView['payload'] & {
    recipient_public_key?: string;
    buttons?: unknown[][];
  };
}

let p: Listening;
let dir: string;
let gateway: SelfHostedGatewayProcess;
let bot: Bot;
let user: KeyedUser;
let chatId: string;
let botUserId: string;
let botRowId: string;
let botKey: string;
const own = nacl.box.keyPair();
const read: string[] = [];
const edits: string[] = [];
const reactions: unknown[] = [];
const errors: unknown[] = [];
/** Results of the gateway that are not Telegram's types, by method. */
const offTypes: string[] = [];

beforeAll(async () => {
  p = await startListening();
  dir = mkdtempSync(path.join(tmpdir(), 'self-hosted-gw-'));
  const { http } = p;
  user = await keyedUser(http);
  const tb = await registerBot(http, user, { public_key: b64(own.publicKey) });
  chatId = await openChat(http, user, tb);
  botUserId = tb.userId;
  botRowId = tb.id;
  botKey = b64(own.publicKey);
  const keysFile = path.join(dir, 'bot-keys.json');
  const botId = tb.telegramToken.split(':')[0]!;
  const keys = { bots: [{ bot_id: botId, secret_key: b64(own.secretKey) }] };
  writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  gateway = await startSelfHostedGateway(`http://127.0.0.1:${p.port}`, keysFile);

  bot = new Bot(tb.telegramToken, { client: { apiRoot: gateway.url } });
  // Every result the bot gets must be Telegram's type for its method.
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    const schema = METHOD_RESULTS[method];
    const checked = res.ok && schema?.safeParse(res.result);
    if (checked && !checked.success) offTypes.push(`${method}: ${z.prettifyError(checked.error)}`);
    return res;
  });
  bot.command('menu', (ctx) =>
    ctx.reply('Pick one', { reply_markup: new InlineKeyboard().text('Yes', 'yes') }),
  );
  bot.command('photo', async (ctx) => {
    await ctx.replyWithChatAction('upload_photo');
    await ctx.replyWithPhoto(new InputFile(PNG, 'dot.png'), { caption: 'A sealed dot' });
  });
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Noted' });
    await ctx.editMessageText(`You chose ${ctx.callbackQuery.data}`);
  });
  bot.on('edited_message:text', (ctx) => void edits.push(ctx.editedMessage.text));
  bot.on('message_reaction', (ctx) => void reactions.push(ctx.messageReaction.new_reaction));
  bot.on('message:text', (ctx) => {
    read.push(ctx.message.text);
    return ctx.reply(`Echo: ${ctx.message.text}`);
  });
  bot.catch((err) => void errors.push(err));
  await new Promise<void>((onStart) => void bot.start({ onStart: () => onStart() }));
  expect(bot.botInfo.username).toBe(tb.username);
});

afterAll(async () => {
  await bot?.stop();
  await gateway?.stop();
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(errors.splice(0)).toEqual([]);
  expect(offTypes.splice(0)).toEqual([]);
});

/** What the gateway said, for whoever reads a failure (it never logs message text). */
async function withOutput(run: () => Promise<void>) {
  try {
    await run();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${gateway.output().slice(-4000)}`, { cause: err });
  }
}

const history = async (chat = chatId, who: KeyedUser = user): Promise<Seen[]> =>
  (await p.http.get(`/api/v1/chats/${chat}/messages`).set(bearer(who)).expect(200)).body.messages;

const say = (text: string) =>
  p.http
    .post(`/api/v1/chats/${chatId}/messages`)
    .set(bearer(user))
    .send(seal(text, botKey, user.keys.secretKey))
    .expect(201);

/** The bot's message whose box opens to `text`. */
const botSaid = (text: string, chat = chatId) =>
  eventually(`the bot to say ${text}`, async () =>
    (await history(chat)).find(
      (m) => m.sender.id === botUserId && unseal(m, botKey, user.keys.secretKey) === text,
    ),
  );

it('echo: boxes on the platform, text in the bot', () =>
  withOutput(async () => {
    await say('kept in my own hands');
    const reply = await botSaid('Echo: kept in my own hands');
    expect(read).toContain('kept in my own hands');
    expect(reply.content).not.toContain('hands');
    expect(reply.payload.sender_public_key).toBe(botKey);
    // The platform holds no secret for this bot, and its store only boxes.
    const found = await p.platform.db.botSecretKey.findFirst({
      where: { bot: { userId: botUserId } },
    });
    expect(found).toBeNull();
    const rows = await p.platform.db.message.findMany({
      where: { chatId },
      select: { content: true },
    });
    expect(JSON.stringify(rows)).not.toMatch(/own hands/);
    expect(gateway.output()).not.toMatch(/own hands/);
  }));

it("a person's sealed edit and a reaction reach the bot", () =>
  withOutput(async () => {
    const sent = await say('first thought');
    await botSaid('Echo: first thought');
    await p.http
      .patch(`/api/v1/chats/${chatId}/messages/${sent.body.message.id}`)
      .set(bearer(user))
      .send(seal('second thought', botKey, user.keys.secretKey))
      .expect(200);
    await eventually('the edit to reach the bot', () => Promise.resolve(edits[0]));
    expect(edits).toEqual(['second thought']);
    const reply = await botSaid('Echo: first thought');
    await p.http
      .post(`/api/v1/chats/${chatId}/messages/${reply.id}/reactions`)
      .set(bearer(user))
      .send({ emoji: '👍' })
      .expect((res) => expect(res.status).toBeLessThan(300));
    await eventually('the reaction to reach the bot', () => Promise.resolve(reactions[0]));
    expect(reactions).toEqual([[{ type: 'emoji', emoji: '👍' }]]);
  }));

it('buttons: a tap is answered and the sealed text edited, the keyboard kept', () =>
  withOutput(async () => {
    await say('/menu');
    const menu = await botSaid('Pick one');
    expect(menu.payload.buttons).toEqual([[{ text: 'Yes', callback_data: 'yes' }]]);
    const tap = await p.http
      .post(`/api/v1/chats/${chatId}/messages/${menu.id}/callback`)
      .set(bearer(user))
      .send({ callback_data: 'yes' })
      .expect(202);
    const answer = await eventually('the tap to be answered', async () => {
      const res = await p.http
        .get(`/api/v1/callbacks/${tap.body.callback_id}`)
        .set(bearer(user))
        .expect(200);
      return res.body.answered ? res.body : undefined;
    });
    expect(answer).toMatchObject({ text: 'Noted', show_alert: false });
    const edited = await botSaid('You chose yes');
    expect(edited.id).toBe(menu.id);
    expect(edited.edited_at).toBeDefined();
    expect(edited.payload.recipient_public_key).toBe(user.publicKey);
    expect(edited.payload.buttons).toEqual(menu.payload.buttons);
    const rows = await p.platform.db.message.findMany({
      where: { chatId },
      select: { content: true },
    });
    expect(JSON.stringify(rows)).not.toMatch(/You chose|Pick one/);
  }));

it('a photo: the bytes sealed under a key inside the box, opened by the person', () =>
  withOutput(async () => {
    await say('/photo');
    const sent = await eventually('the photo', async () =>
      (await history()).find((m) => m.sender.id === botUserId && m.media?.kind === 'photo'),
    );
    const envelope = JSON.parse(unseal(sent, botKey, user.keys.secretKey)!) as {
      text: string;
      media_key: string;
      media_nonce: string;
    };
    expect(envelope.text).toBe('A sealed dot');
    const stored = await p.http
      .get(`/api/v1/media/${sent.media!.id}`)
      .set(bearer(user))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const bytes = stored.body as Buffer;
    expect(bytes.equals(PNG)).toBe(false);
    const opened = nacl.secretbox.open(
      new Uint8Array(bytes),
      unb64(envelope.media_nonce),
      unb64(envelope.media_key),
    );
    expect(opened && Buffer.from(opened).equals(PNG)).toBe(true);
  }));

it('a group: the bot opens its entry in payload.keys and seals its answer for every member', () =>
  withOutput(async () => {
    const ben = await keyedUser(p.http);
    const { chatId: group, members } = await groupOf(p.http, user, [ben], [{ id: botRowId }]);
    await p.http
      .post(`/api/v1/chats/${group}/messages`)
      .set(bearer(ben))
      .send(sealGroup('plans for noon', members, ben.keys.secretKey))
      .expect(201);
    const reply = await eventually('the bot to answer in the group', async () =>
      (await history(group, ben)).find((m) => m.sender.id === botUserId),
    );
    expect(unsealGroup(reply, ben.id, ben.keys.secretKey)).toBe('Echo: plans for noon');
    expect(unsealGroup(reply, user.id, user.keys.secretKey)).toBe('Echo: plans for noon');
    expect(reply.content).not.toContain('noon');
  }));

it('commands are set and read through the platform; a method it does not relay is a 501', () =>
  withOutput(async () => {
    const commands = [{ command: 'menu', description: 'Show the menu' }];
    expect(await bot.api.setMyCommands(commands)).toBe(true);
    expect(await bot.api.getMyCommands()).toEqual(commands);
    const res = await fetch(`${gateway.url}/bot${bot.token}/sendPoll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 1, question: 'q', options: ['a', 'b'] }),
    });
    expect(res.status).toBe(501);
    expect(await res.json()).toMatchObject({
      ok: false,
      error_code: 501,
      description: expect.stringMatching(/^Not Implemented: sendPoll is not relayed/) as string,
    });
    const unknownChat = await fetch(`${gateway.url}/bot${bot.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 42, text: 'hi' }),
    });
    expect(unknownChat.status).toBe(400);
    expect(await unknownChat.json()).toMatchObject({ description: 'Bad Request: chat not found' });
  }));

it('a token not in BOT_KEYS_FILE is 401; a platform that does not answer is 502', async () => {
  const other = await fetch(`${gateway.url}/bot123:nope/getMe`);
  expect(other.status).toBe(401);
  expect(await other.json()).toMatchObject({ ok: false, description: 'Unauthorized' });
  const cutOff = await startSelfHostedGateway(
    'http://127.0.0.1:9',
    path.join(dir, 'bot-keys.json'),
  );
  try {
    const res = await fetch(`${cutOff.url}/bot${bot.token}/getMe`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      ok: false,
      error_code: 502,
      description: 'Bad Gateway: the platform could not be reached',
    });
  } finally {
    await cutOff.stop();
  }
});
