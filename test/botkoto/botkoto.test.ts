// @BotKoto end to end: a person opens the system bot by username and, by conversation,
// creates a bot whose token then runs a grammY bot; /setcommands, /token and /deletebot act
// through the same services as the owner API; a worker restart loses no message and no step.
import supertest from 'supertest';
import { Bot } from 'grammy';
import { createTestEnv, platformFor, type Env } from '../support/platform';
import { bearer, registerUser, say, uniqueName, type TestUser } from '../support/fixtures';
import type { Platform } from '../../src/platform';
import { eventually, history, type ChatMessage } from '../gateway/support';

let env: Env;
let drop: () => Promise<void>;
let api: Platform;
let worker: Platform | undefined;
let http: ReturnType<typeof supertest>;
let apiRoot: string;

const startWorker = async () => {
  worker = platformFor(env, { ROLE: 'worker' });
  await worker.start();
};
const stopWorker = async () => {
  await worker?.stop();
  worker = undefined;
};

beforeAll(async () => {
  ({ env, drop } = await createTestEnv({ BOTKOTO_ENABLED: 'true' }));
  api = platformFor(env, { ROLE: 'api' });
  const { gatewayPort } = await api.start();
  apiRoot = `http://127.0.0.1:${gatewayPort}`;
  http = supertest(api.api);
  await startWorker();
});
afterAll(async () => {
  await stopWorker();
  await api?.stop();
  await drop?.();
});

/** The conversation so far, oldest first. */
async function transcript(user: TestUser, chatId: string): Promise<ChatMessage[]> {
  return history(http, user, chatId);
}

/** The system bot's next message after `seen` messages, once it arrives. */
async function nextReply(user: TestUser, chatId: string, seen: number): Promise<ChatMessage> {
  return eventually('botkoto to answer', async () => {
    const all = await transcript(user, chatId);
    return all.slice(seen).find((m) => m.sender.id !== user.id);
  });
}

/** Say something and wait for the answer. */
async function ask(user: TestUser, chatId: string, text: string): Promise<ChatMessage> {
  const seen = (await transcript(user, chatId)).length;
  await say(http, user, chatId, text);
  return nextReply(user, chatId, seen + 1);
}

async function tap(user: TestUser, chatId: string, m: ChatMessage, label: string) {
  const buttons = (m.payload.buttons ?? []).flat() as { text: string; callback_data: string }[];
  const b = buttons.find((x) => x.text === label);
  if (!b) throw new Error(`no button "${label}" in ${JSON.stringify(buttons)}`);
  const seen = (await transcript(user, chatId)).length;
  await http
    .post(`/api/v1/chats/${chatId}/messages/${m.id}/callback`)
    .set(bearer(user))
    .send({ callback_data: b.callback_data })
    .expect(202);
  return nextReply(user, chatId, seen);
}

const tokensIn = (text: string) => ({
  koto: /kbot_[A-Za-z0-9_-]+/.exec(text)?.[0],
  telegram: /\b\d{10,}:[A-Za-z0-9_-]+/.exec(text)?.[0],
  quanta: /\bbot_[A-Za-z0-9_-]+/.exec(text)?.[0],
});

const getMe = (token: string) =>
  fetch(`${apiRoot}/getMe`, { headers: { authorization: `Bearer ${token}` } });

async function openBotKoto(user: TestUser): Promise<string> {
  const res = await http
    .post('/api/v1/chats')
    .set(bearer(user))
    .send({ username: '@BotKoto' })
    .expect(201);
  return res.body.chat.id;
}

async function newBot(user: TestUser, chatId: string, username: string) {
  expect((await ask(user, chatId, '/newbot')).content).toMatch(/choose a name/);
  expect((await ask(user, chatId, 'Echo Machine')).content).toMatch(/choose a username/);
  const done = await ask(user, chatId, username);
  expect(done.content).toContain(`@${username}`);
  return tokensIn(done.content);
}

describe('@BotKoto', () => {
  it('is a chat any person opens by username, and answers /start with its commands', async () => {
    const user = await registerUser(http);
    const chatId = await openBotKoto(user);
    const again = await http.post('/api/v1/chats').set(bearer(user)).send({ username: 'botkoto' });
    expect(again.status).toBe(200);
    expect(again.body.chat.id).toBe(chatId);
    const help = await ask(user, chatId, '/start');
    expect(help.content).toMatch(/\/newbot - create a new bot/);
    expect((await ask(user, chatId, 'hello?')).content).toMatch(/Unrecognized command/);
  });

  it('/newbot asks a name and a username, refuses bad and taken ones, and hands out three tokens that run a grammY bot', async () => {
    const user = await registerUser(http);
    const chatId = await openBotKoto(user);
    await ask(user, chatId, '/newbot');
    await ask(user, chatId, 'Echo Machine');
    expect((await ask(user, chatId, 'no spaces allowed')).content).toMatch(/username must be/);
    const username = uniqueName('echo_').concat('_bot');
    const made = await ask(user, chatId, username);
    const tokens = tokensIn(made.content);
    expect(tokens.koto && tokens.telegram && tokens.quanta).toBeTruthy();

    // The same username again is taken.
    await ask(user, chatId, '/newbot');
    await ask(user, chatId, 'Copy');
    expect((await ask(user, chatId, username)).content).toMatch(/already taken/);
    expect((await ask(user, chatId, '/cancel')).content).toMatch(/cancelled/);

    const koto = await (await getMe(tokens.koto!)).json();
    expect(koto).toMatchObject({ ok: true, result: { username } });

    const bot = new Bot(tokens.telegram!, { client: { apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(`Echo: ${ctx.message.text}`));
    await new Promise<void>((onStart) => void bot.start({ onStart: () => onStart() }));
    try {
      const res = await http.post('/api/v1/chats').set(bearer(user)).send({ username });
      const echoChat = res.body.chat.id as string;
      await say(http, user, echoChat, 'ping');
      await eventually('the echo', async () =>
        (await history(http, user, echoChat)).find((m) => m.content === 'Echo: ping'),
      );
    } finally {
      await bot.stop();
    }
  });

  it('/setcommands, /setdescription, /setwebapp, /token and /deletebot act on the chosen bot only', async () => {
    const user = await registerUser(http);
    const chatId = await openBotKoto(user);
    const username = uniqueName('tool_').concat('_bot');
    const first = await newBot(user, chatId, username);

    const list = await ask(user, chatId, '/setcommands');
    const prompt = await tap(user, chatId, list, `@${username}`);
    expect(prompt.content).toMatch(/list of commands/);
    const set = await ask(user, chatId, 'start - Start it\nweather - Today');
    expect(set.content).toMatch(/updated \(2 commands\)/);
    const cmds: { result: unknown } = await fetch(`${apiRoot}/getMyCommands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.koto}` },
    }).then((r) => r.json() as Promise<{ result: unknown }>);
    expect(cmds.result).toEqual([
      { command: 'start', description: 'Start it' },
      { command: 'weather', description: 'Today' },
    ]);

    const descList = await ask(user, chatId, '/setdescription');
    await tap(user, chatId, descList, `@${username}`);
    expect((await ask(user, chatId, 'Says things back.')).content).toMatch(/description/);

    const appList = await ask(user, chatId, '/setwebapp');
    await tap(user, chatId, appList, `@${username}`);
    expect((await ask(user, chatId, 'http://insecure.example')).content).toMatch(/URL/);
    const appSet = await ask(user, chatId, 'https://app.example/menu');
    expect(appSet.content).toMatch(/opens https:\/\/app\.example\/menu/);
    const menu: { result: unknown } = await fetch(`${apiRoot}/getChatMenuButton`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.koto}` },
    }).then((r) => r.json() as Promise<{ result: unknown }>);
    expect(menu.result).toMatchObject({
      type: 'web_app',
      web_app: { url: 'https://app.example/menu' },
    });

    const tokenList = await ask(user, chatId, '/token');
    const rotated = tokensIn((await tap(user, chatId, tokenList, `@${username}`)).content);
    expect(rotated.koto).not.toBe(first.koto);
    expect((await getMe(first.koto!)).status).toBe(401);
    expect((await getMe(rotated.telegram!)).status).toBe(200);

    // Someone else cannot act on it by replaying the button's data: a tap must name a
    // button of the tapped message, so it never reaches the bot.
    const mallory = await registerUser(http);
    const malloryChat = await openBotKoto(mallory);
    await ask(mallory, malloryChat, '/start');
    const msgs = await transcript(mallory, malloryChat);
    const res = await http
      .post(`/api/v1/chats/${malloryChat}/messages/${msgs[msgs.length - 1]!.id}/callback`)
      .set(bearer(mallory))
      .send({
        callback_data: (tokenList.payload.buttons![0] as { callback_data: string }[])[0]!
          .callback_data,
      });
    expect(res.status).toBe(400);
    expect((await getMe(rotated.koto!)).status).toBe(200);

    const delList = await ask(user, chatId, '/deletebot');
    const confirm = await tap(user, chatId, delList, `@${username}`);
    expect(confirm.content).toMatch(/about to delete/);
    expect((await tap(user, chatId, confirm, `Yes, delete @${username}`)).content).toMatch(
      /is gone/,
    );
    expect((await getMe(rotated.koto!)).status).toBe(401);
    expect((await ask(user, chatId, '/mybots')).content).toMatch(/don't have any bots/);
  });

  it('a worker restart loses neither a message sent meanwhile nor the step the person was at', async () => {
    const user = await registerUser(http);
    const chatId = await openBotKoto(user);
    await ask(user, chatId, '/newbot');
    await stopWorker();
    const seen = (await transcript(user, chatId)).length;
    await say(http, user, chatId, 'Restarted Bot');
    await startWorker();
    expect((await nextReply(user, chatId, seen + 1)).content).toMatch(/choose a username/);
    const username = uniqueName('again_').concat('_bot');
    expect((await ask(user, chatId, username)).content).toContain(`@${username}`);
    // Each message was answered once.
    const replies = (await transcript(user, chatId)).filter((m) => m.sender.id !== user.id);
    expect(replies.map((m) => m.content.split('\n')[0])).toEqual([
      expect.stringMatching(/choose a name/),
      expect.stringMatching(/choose a username/),
      expect.stringMatching(/Congratulations/),
    ]);
  });

  it('opens a private chat with another person by username, and refuses unknown names and oneself', async () => {
    const ann = await registerUser(http);
    const bob = await registerUser(http);
    const res = await http.post('/api/v1/chats').set(bearer(ann)).send({ username: bob.username });
    expect(res.status).toBe(201);
    expect(res.body.chat.type).toBe('private');
    await say(http, ann, res.body.chat.id, 'hi bob');
    const seenByBob = await history(http, bob, res.body.chat.id);
    expect(seenByBob.map((m) => m.content)).toEqual(['hi bob']);
    await http
      .post('/api/v1/chats')
      .set(bearer(ann))
      .send({ username: 'nobody_here_x' })
      .expect(404);
    await http.post('/api/v1/chats').set(bearer(ann)).send({ username: ann.username }).expect(400);
    await http
      .post('/api/v1/chats')
      .set(bearer(ann))
      .send({ username: 'system.botkoto' })
      .expect(400);
  });
});
