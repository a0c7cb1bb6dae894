// Encrypted groups: the text sealed once with secretbox under a random key, that key boxed for
// each member in payload.keys. tweetnacl plays every person's client; a managed bot reads
// plaintext and its sends are sealed for every member; a self-custody bot opens its own entry.
import nacl from 'tweetnacl';
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerBot, registerUser } from '../support/fixtures';
import {
  b64,
  groupOf,
  keyedUser,
  sealGroup,
  unsealGroup,
  type GroupMessageView,
  type KeyedUser,
} from './support';

const t = useTestPlatform();

interface Shown extends GroupMessageView {
  id: string;
  sender: { id: string };
}

/** Two people with keys and a managed bot in a group. */
async function sealedGroup() {
  const { http } = t.current;
  const [ann, ben] = [await keyedUser(http), await keyedUser(http)];
  const bot = await registerBot(http, ann);
  const { chatId, members } = await groupOf(http, ann, [ben], [bot]);
  const post = (who: KeyedUser, body: object) =>
    http.post(`/api/v1/chats/${chatId}/messages`).set(bearer(who)).send(body);
  const history = async (who: KeyedUser): Promise<Shown[]> =>
    (await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(who)).expect(200)).body.messages;
  return { ann, ben, bot, chatId, members, post, history };
}

describe('encrypted groups', () => {
  it('a person seals for every member: stored as sent, every member opens it, a managed bot reads plaintext', async () => {
    const { http, platform } = t.current;
    const { ann, ben, bot, members, post, history } = await sealedGroup();
    expect(members).toHaveLength(3);
    expect(members.every((m) => typeof m.public_key === 'string')).toBe(true);

    const sealed = sealGroup('/start the plan is at noon', members, ann.keys.secretKey);
    const res = await post(ann, sealed).expect(201);
    expect(res.body.message.content).toBe(sealed.content);
    expect(res.body.message.payload).toEqual({
      ...sealed.payload,
      sender_public_key: ann.publicKey,
    });
    const row = await platform.db.message.findUniqueOrThrow({
      where: { id: res.body.message.id },
    });
    expect(row.content).toBe(sealed.content);

    const [seen] = await history(ben);
    expect(unsealGroup(seen!, ben.id, ben.keys.secretKey)).toBe('/start the plan is at noon');
    expect(unsealGroup(seen!, ann.id, ann.keys.secretKey)).toBe('/start the plan is at noon');
    // Someone else's key opens nothing.
    expect(unsealGroup(seen!, ben.id, nacl.box.keyPair().secretKey)).toBeNull();

    const updates = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(updates.body.updates[0].payload).toMatchObject({
      content: '/start the plan is at noon',
      payload: { encrypted: true },
      is_command: true,
      command: 'start',
    });
    expect(updates.body.updates[0].payload.payload).not.toHaveProperty('keys');

    await post(ann, sealGroup('through the gateway', members, ann.keys.secretKey)).expect(201);
    const gw = supertest(platform.gateway);
    const got = await gw
      .post(`/bot${bot.telegramToken}/getUpdates`)
      .send({ offset: updates.body.updates[0].update_id + 1 })
      .expect(200);
    expect(got.body.result.map((u: { message: { text: string } }) => u.message.text)).toEqual([
      'through the gateway',
    ]);
  });

  it('a managed bot sending to an encrypted group seals for every member (Quanta and gateway)', async () => {
    const { http, platform } = t.current;
    const { ann, ben, bot, chatId, history } = await sealedGroup();
    const sent = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'minutes: 42 items' })
      .expect(200);
    // The bot is answered with its text.
    expect(sent.body.message).toMatchObject({
      content: 'minutes: 42 items',
      payload: { encrypted: true },
    });
    await supertest(platform.gateway)
      .post(`/bot${bot.telegramToken}/sendMessage`)
      .send({ chat_id: chatId, text: 'gateway says hello' })
      .expect(200);

    const shown = await history(ben);
    expect(shown.map((m) => m.content).join()).not.toMatch(/42 items|hello/);
    expect(shown.map((m) => unsealGroup(m, ben.id, ben.keys.secretKey))).toEqual([
      'minutes: 42 items',
      'gateway says hello',
    ]);
    expect(shown.map((m) => unsealGroup(m, ann.id, ann.keys.secretKey))).toEqual([
      'minutes: 42 items',
      'gateway says hello',
    ]);

    // Its edit is sealed again for everyone.
    await http
      .post('/api/v1/bot/edit-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, message_id: shown[0]!.id, content: 'minutes: 43 items' })
      .expect(200);
    const [edited] = await history(ben);
    expect(edited!.payload.nonce).not.toBe(shown[0]!.payload.nonce);
    expect(unsealGroup(edited!, ben.id, ben.keys.secretKey)).toBe('minutes: 43 items');
  });

  it('a person edits with a new box and new keys; without them the edit is refused', async () => {
    const { http } = t.current;
    const { ann, ben, bot, chatId, members, post, history } = await sealedGroup();
    const first = await post(ann, sealGroup('v1', members, ann.keys.secretKey)).expect(201);
    const url = `/api/v1/chats/${chatId}/messages/${first.body.message.id}`;
    await http.patch(url).set(bearer(ann)).send({ content: 'v2 in clear' }).expect(400);
    const v2 = sealGroup('v2', members, ann.keys.secretKey);
    const noKeys = { content: v2.content, payload: { nonce: v2.payload.nonce } };
    const refused = await http.patch(url).set(bearer(ann)).send(noKeys).expect(400);
    expect(refused.body.error).toMatch(/keys/);
    await http.patch(url).set(bearer(ann)).send(v2).expect(200);
    const [after] = await history(ben);
    expect(unsealGroup(after!, ben.id, ben.keys.secretKey)).toBe('v2');

    const updates = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(
      updates.body.updates.map((u: { type: string; payload: { content: string } }) => [
        u.type,
        u.payload.content,
      ]),
    ).toEqual([
      ['message', 'v1'],
      ['edited_message', 'v2'],
    ]);
  });

  it('refuses key boxes that leave out a member, name a stranger, or are not a sealed key', async () => {
    const { http } = t.current;
    const { ann, ben, members, post } = await sealedGroup();
    const stranger = await keyedUser(http);
    const sealed = sealGroup('x', members, ann.keys.secretKey);
    const { [ben.id]: _ben, ...withoutBen } = sealed.payload.keys;
    const cases: [object, RegExp][] = [
      [{ ...sealed.payload, keys: withoutBen }, new RegExp(`not boxed for ${ben.id}`)],
      [
        {
          ...sealed.payload,
          keys: { ...sealed.payload.keys, [stranger.id]: sealed.payload.keys[ben.id] },
        },
        /is not a member/,
      ],
      [
        {
          ...sealed.payload,
          keys: { ...sealed.payload.keys, [ben.id]: { nonce: sealed.payload.nonce, box: 'AAAA' } },
        },
        /each entry/,
      ],
      [{ nonce: sealed.payload.nonce }, /payload\.keys/],
      [{ ...sealed.payload, keys: [1, 2] }, /payload\.keys/],
    ];
    for (const [payload, error] of cases) {
      const res = await post(ann, { content: sealed.content, payload }).expect(400);
      expect(res.body.error).toMatch(error);
    }
  });

  it('a group with a member without a key is not encrypted: boxes refused, a bot sends plaintext', async () => {
    const { http } = t.current;
    const ann = await keyedUser(http);
    const keyless = await registerUser(http);
    const bot = await registerBot(http, ann);
    const { chatId, members } = await groupOf(http, ann, [keyless], [bot]);
    expect(members.find((m) => m.id === keyless.id)!.public_key).toBeNull();
    const sealed = sealGroup('x', members.slice(0, 0), ann.keys.secretKey);
    const res = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(ann))
      .send(sealed)
      .expect(400);
    expect(res.body.error).toMatch(/every member of the group needs a public key/);

    await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'plain for all' })
      .expect(200);
    const history = await http
      .get(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(keyless))
      .expect(200);
    expect(history.body.messages[0]).toMatchObject({ content: 'plain for all' });
    expect(history.body.messages[0].payload).not.toHaveProperty('nonce');
  });

  it('a self-custody bot gets the box with its entry in payload.keys and opens it itself', async () => {
    const { http } = t.current;
    const ann = await keyedUser(http);
    const own = nacl.box.keyPair();
    const bot = await registerBot(http, ann, { public_key: b64(own.publicKey) });
    const { members } = await groupOf(http, ann, [], [bot]);
    const sealed = sealGroup('for the bot only', members, ann.keys.secretKey);
    const chatId = (await http.get('/api/v1/chats').set(bearer(ann))).body.chats[0].id;
    await http.post(`/api/v1/chats/${chatId}/messages`).set(bearer(ann)).send(sealed).expect(201);
    const updates = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    const m = updates.body.updates[0].payload;
    expect(m.content).toBe(sealed.content);
    expect(m.is_command).toBe(false);
    const view = { content: m.content, payload: m.payload };
    expect(unsealGroup(view, bot.userId, own.secretKey)).toBe('for the bot only');
  });
});
