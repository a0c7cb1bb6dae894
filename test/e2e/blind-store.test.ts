// Step 5: after a scripted encrypted conversation (a person and managed bots, through the
// Quanta API, the gateway and a webhook; a bot reply; edits both ways; a group with a bot; a
// poll; photos), nothing the relay keeps or says holds the plaintext: not a pg_dump of the
// database, not any Redis key or value under the platform's prefix (nor anything published on
// its channels meanwhile), not the logs at trace level. The bots and the person did read the
// plaintext: the controls.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import supertest from 'supertest';
import { loadConfig } from '../../src/config';
import { createRedis, type Redis } from '../../src/infra/redis';
import { createPlatform, type Platform } from '../../src/platform';
import { createTestEnv, type Env } from '../support/platform';
import { Receiver } from '../support/receiver';
import { bearer, botAuth, openChat, registerBot, registerUser } from '../support/fixtures';
import { PNG } from '../gateway/support';
import {
  botPublicKey,
  groupOf,
  keyedUser,
  seal,
  sealGroup,
  sealPhoto,
  unseal,
  unsealGroup,
} from './support';

const SECRETS = [
  'alpha-quanta-inbound',
  'bravo-gateway-inbound',
  'charlie-quanta-reply',
  'delta-gateway-reply',
  'echo-bot-edit',
  'foxtrot-person-edit',
  'golf-webhook-inbound',
  'hotel-webhook-method-reply',
  'india-group-inbound',
  'juliet-group-bot-reply',
  'kilo-poll-question',
  'lima-poll-option',
  'mike-poll-option',
];

let env: Env;
let drop: () => Promise<void>;
let platform: Platform;
const logs: string[] = [];
const published: string[] = [];
let listener: Redis;
let hook: Receiver;

beforeAll(async () => {
  ({ env, drop } = await createTestEnv({ LOG_LEVEL: 'trace' }));
  const log = pino({ level: 'trace' }, { write: (line: string) => logs.push(line) });
  platform = createPlatform(loadConfig(env), { log });
  await platform.start(); // api and worker: webhook delivery runs here too
  listener = createRedis(env.REDIS_URL!);
  listener.on('pmessage', (_p: string, channel: string, message: string) =>
    published.push(`${channel} ${message}`),
  );
  await listener.psubscribe(`${env.REDIS_PREFIX}*`);
  hook = await Receiver.start();
});

afterAll(async () => {
  listener.disconnect();
  await hook.close();
  await platform.stop();
  await drop();
});

/** Every key under the prefix with its value, whatever its type. */
async function redisContents(prefix: string): Promise<string> {
  const r = createRedis(env.REDIS_URL!);
  try {
    const out: string[] = [];
    for (const key of await r.keys(`${prefix}*`)) {
      const type = await r.type(key);
      const value =
        type === 'string'
          ? await r.get(key)
          : type === 'hash'
            ? await r.hgetall(key)
            : type === 'list'
              ? await r.lrange(key, '0', '-1')
              : type === 'set'
                ? await r.smembers(key)
                : type === 'zset'
                  ? await r.zrange(key, '0', '-1', 'WITHSCORES')
                  : type === 'stream'
                    ? await r.xrange(key, '-', '+')
                    : `<${type}>`;
      out.push(`${key} ${JSON.stringify(value)}`);
    }
    return out.join('\n');
  } finally {
    r.disconnect();
  }
}

it('the relay keeps and says no plaintext of an encrypted conversation', async () => {
  const http = supertest(platform.api);
  const gw = supertest(platform.gateway);
  const user = await keyedUser(http);
  const bot = await registerBot(http, user);
  const chatId = await openChat(http, user, bot);
  const botKey = await botPublicKey(http, bot.apiKey);
  const send = async (text: string, chat = chatId, key = botKey) =>
    (
      await http
        .post(`/api/v1/chats/${chat}/messages`)
        .set(bearer(user))
        .send(seal(text, key, user.keys.secretKey))
        .expect(201)
    ).body.message as { id: string };
  const seen: string[] = []; // what the bots and the person read: the controls

  // Person → bot, read through the Quanta API, then through the gateway.
  const first = await send(SECRETS[0]!);
  const q = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
  seen.push(q.body.updates[0].payload.content);
  await send(SECRETS[1]!);
  const g = await gw.post(`/bot${bot.telegramToken}/getUpdates`).send({}).expect(200);
  seen.push(g.body.result[0].message.text);

  // Bot → person, through both APIs, then the bot edits its reply and the person their message.
  const reply = await http
    .post('/api/v1/bot/send-message')
    .set(botAuth(bot))
    .send({ chat_id: chatId, content: SECRETS[2] })
    .expect(200);
  await gw
    .post(`/bot${bot.telegramToken}/sendMessage`)
    .send({ chat_id: chatId, text: SECRETS[3] })
    .expect(200);
  await http
    .post('/api/v1/bot/edit-message')
    .set(botAuth(bot))
    .send({ chat_id: chatId, message_id: reply.body.message.id, content: SECRETS[4] })
    .expect(200);
  await http
    .patch(`/api/v1/chats/${chatId}/messages/${first.id}`)
    .set(bearer(user))
    .send(seal(SECRETS[5]!, botKey, user.keys.secretKey))
    .expect(200);
  const edited = await gw
    .post(`/bot${bot.telegramToken}/getUpdates`)
    .send({ offset: g.body.result[0].update_id + 1 })
    .expect(200);
  seen.push(edited.body.result[0].edited_message.text);

  // A second bot on a gateway webhook: the worker delivers it (BullMQ, Redis) in clear.
  const hooked = await registerBot(http, user);
  await gw.post(`/bot${hooked.telegramToken}/setWebhook`).send({ url: hook.url }).expect(200);
  const hookedChat = await openChat(http, user, hooked);
  const hookedKey = await botPublicKey(http, hooked.apiKey);
  // It answers the way Telegram allows: a method call in the reply body.
  const method = { method: 'sendMessage', chat_id: hookedChat, text: SECRETS[7] };
  hook.onRequest(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(method),
  }));
  await send(SECRETS[6]!, hookedChat, hookedKey);
  const [delivered] = await hook.waitFor(1);
  seen.push(JSON.parse(delivered!.body).message.text);
  const hookedHistory = async () =>
    (await http.get(`/api/v1/chats/${hookedChat}/messages`).set(bearer(user))).body.messages as {
      content: string;
      payload: { nonce?: string; sender_public_key?: string };
    }[];
  for (let i = 0; i < 200 && (await hookedHistory()).length < 2; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const [, methodReply] = await hookedHistory();
  seen.push(unseal(methodReply!, hookedKey, user.keys.secretKey) ?? '<did not open>');

  // The person reads the bot's side with their key, from history and from the feed.
  const history = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
  for (const m of history.body.messages) {
    const peer = m.sender.id === user.id ? botKey : m.payload.sender_public_key;
    seen.push(unseal(m, peer, user.keys.secretKey) ?? '<did not open>');
  }
  const feed = await http.get('/api/v1/events?timeout=0').set(bearer(user)).expect(200);
  expect(feed.body.events.length).toBeGreaterThan(0);
  // Bots: alpha, bravo, the edit (foxtrot), golf; the person: hotel, foxtrot, bravo, echo, delta.
  const [alpha, bravo, , delta, echo, foxtrot, golf, hotel] = SECRETS;
  expect(seen.sort()).toEqual(
    [alpha, bravo, foxtrot, golf, hotel, foxtrot, bravo, echo, delta].sort(),
  );

  // A group of two people and a managed bot: a person's sealed message, the bot's reply.
  const ben = await keyedUser(http);
  const groupBot = await registerBot(http, user);
  const group = await groupOf(http, user, [ben], [groupBot]);
  await http
    .post(`/api/v1/chats/${group.chatId}/messages`)
    .set(bearer(user))
    .send(sealGroup(SECRETS[8]!, group.members, user.keys.secretKey))
    .expect(201);
  const gq = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(groupBot)).expect(200);
  await http
    .post('/api/v1/bot/send-message')
    .set(botAuth(groupBot))
    .send({ chat_id: group.chatId, content: SECRETS[9] })
    .expect(200);
  const groupHistory = await http
    .get(`/api/v1/chats/${group.chatId}/messages`)
    .set(bearer(ben))
    .expect(200);
  expect([
    gq.body.updates[0].payload.content,
    ...groupHistory.body.messages.map((m: Parameters<typeof unsealGroup>[0]) =>
      unsealGroup(m, ben.id, ben.keys.secretKey),
    ),
  ]).toEqual([SECRETS[8], SECRETS[8], SECRETS[9]]);

  // A managed bot's poll: question and options sealed like text; a vote counts by option id.
  const [kilo, lima, mike] = SECRETS.slice(10);
  const poll = await http
    .post('/api/v1/bot/send-poll')
    .set(botAuth(bot))
    .send({ chat_id: chatId, question: kilo, options: [lima, mike] })
    .expect(200);
  expect(poll.body.message.poll.question).toBe(kilo);
  await http
    .post(`/api/v1/chats/${chatId}/polls/${poll.body.message_id}/votes`)
    .set(bearer(user))
    .send({ option_ids: [1] })
    .expect(200);
  const polled = (
    await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user)).expect(200)
  ).body.messages.find((m: { id: string }) => m.id === poll.body.message_id);
  expect(JSON.parse(unseal(polled, botKey, user.keys.secretKey)!)).toEqual({
    question: kilo,
    options: [lima, mike],
  });

  // Photos both ways in an encrypted chat (a PNG with a tail of its own, so its bytes are
  // unique), and a control: a photo in a chat without keys, whose bytes the dump must show.
  const [photoIn, photoOut, photoPlain] = [0, 1, 2].map(() =>
    Buffer.concat([PNG, randomBytes(24)]),
  );
  const photoBot = await registerBot(http, user);
  const photoChat = await openChat(http, user, photoBot);
  const photoKey = await botPublicKey(http, photoBot.apiKey);
  await http
    .post(`/api/v1/chats/${photoChat}/messages`)
    .set(bearer(user))
    .send(sealPhoto('', photoIn!, photoKey, user.keys.secretKey))
    .expect(201);
  const pq = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(photoBot)).expect(200);
  expect(Buffer.from(pq.body.updates[0].payload.media.data, 'base64').equals(photoIn!)).toBe(true);
  for (const [bytes, chat] of [
    [photoOut!, photoChat],
    [photoPlain!, await openChat(http, await registerUser(http), photoBot)],
  ] as const) {
    await http
      .post('/api/v1/bot/send-photo')
      .set(botAuth(photoBot))
      .send({ chat_id: chat, photo: bytes.toString('base64'), mime: 'image/png', w: 1, h: 1 })
      .expect(200);
  }

  const dump = execFileSync('pg_dump', ['--no-owner', env.DATABASE_URL!], {
    maxBuffer: 256 * 1024 * 1024,
  }).toString('utf8');
  expect(dump).toContain(user.username); // the dump is real and has this conversation
  expect(dump).toContain(reply.body.message.id);
  const redis = await redisContents(env.REDIS_PREFIX!);
  expect(redis).toContain('bull'); // the delivery queue is there, and read
  const said = logs.join('');
  expect(said).toContain('request completed');

  // bytea is dumped as hex.
  expect(dump).toContain(photoPlain!.toString('hex'));
  for (const [name, bytes] of [
    ['photo in', photoIn!],
    ['photo out', photoOut!],
  ] as const) {
    const hex = bytes.toString('hex');
    expect({ name, inDump: dump.includes(hex) }).toEqual({ name, inDump: false });
    expect({ name, inRedis: redis.includes(bytes.toString('base64')) }).toEqual({
      name,
      inRedis: false,
    });
    const inLogs = said.includes(bytes.toString('base64'));
    expect({ name, inLogs }).toEqual({ name, inLogs: false });
  }

  for (const secret of SECRETS) {
    expect({ secret, inDump: dump.includes(secret) }).toEqual({ secret, inDump: false });
    expect({ secret, inRedis: redis.includes(secret) }).toEqual({ secret, inRedis: false });
    const pub = published.join('\n');
    expect({ secret, published: pub.includes(secret) }).toEqual({ secret, published: false });
    expect({ secret, inLogs: said.includes(secret) }).toEqual({ secret, inLogs: false });
  }
});
