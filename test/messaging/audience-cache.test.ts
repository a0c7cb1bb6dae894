// Each api process caches its chats' audiences (who may post, who hears: audience-cache.ts).
// A membership change answered by one process must hold in the other on the very next request.
import supertest from 'supertest';
import type { ChatsRepository } from '../../src/domain/chats/chats.repository';
import { useTwoPlatforms } from '../support/platform';
import {
  acceptInvitations,
  bearer,
  botAuth,
  openChat,
  registerBot,
  registerUser,
  say,
  type TestBot,
  type TestUser,
} from '../support/fixtures';
import { sleep, waitFor } from '../support/processes';

type Http = ReturnType<typeof supertest>;

describe('chat audiences cached in two api processes', () => {
  const two = useTwoPlatforms();
  let httpA: Http;
  let httpB: Http;
  beforeAll(() => ({ httpA, httpB } = two.current));

  async function group(owner: TestUser, people: TestUser[]): Promise<string> {
    const res = await httpA
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Team', member_ids: people.map((p) => p.id) })
      .expect(201);
    for (const p of people) await acceptInvitations(httpA, p);
    return res.body.chat.id as string;
  }

  const addBot = (owner: TestUser, chatId: string, bot: TestBot) =>
    httpA
      .post(`/api/v1/chats/${chatId}/members`)
      .set(bearer(owner))
      .send({ bot_id: bot.id })
      .expect(200);

  const removeMember = (owner: TestUser, chatId: string, userId: string) =>
    httpA.delete(`/api/v1/chats/${chatId}/members/${userId}`).set(bearer(owner)).expect(204);

  async function heard(bot: TestBot): Promise<string[]> {
    const res = await httpB.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    const updates = res.body.updates as { payload: { content?: string } }[];
    return updates.map((u) => u.payload.content ?? '');
  }

  it('a person removed through one process cannot post through the other right after', async () => {
    const owner = await registerUser(httpA);
    const member = await registerUser(httpA);
    const chatId = await group(owner, [member]);
    await say(httpB, member, chatId, 'hello'); // B now holds the chat's audience
    await removeMember(owner, chatId, member.id);
    const post = (http: Http) =>
      http.post(`/api/v1/chats/${chatId}/messages`).set(bearer(member)).send({ content: 'x' });
    expect((await post(httpB)).status).toBe(403);
    expect((await post(httpA)).status).toBe(403);
  });

  it('a bot added through one process hears the next message sent through the other', async () => {
    const owner = await registerUser(httpA);
    const bot = await registerBot(httpA, owner, {
      permissions: ['read_messages', 'send_messages'],
    });
    const chatId = await group(owner, []);
    await say(httpB, owner, chatId, 'before the bot');
    await addBot(owner, chatId, bot);
    await say(httpB, owner, chatId, 'after the bot');
    expect(await heard(bot)).toEqual(['after the bot']);
  });

  it('a bot removed through one process hears nothing sent through the other after', async () => {
    const owner = await registerUser(httpA);
    const bot = await registerBot(httpA, owner, {
      permissions: ['read_messages', 'send_messages'],
    });
    const chatId = await group(owner, []);
    await addBot(owner, chatId, bot);
    await say(httpB, owner, chatId, 'while in');
    await removeMember(owner, chatId, bot.userId);
    await say(httpB, owner, chatId, 'after removal');
    expect(await heard(bot)).toEqual(['while in']);
    // Nor can it post there, through either process.
    for (const http of [httpA, httpB]) {
      await http
        .post('/api/v1/bot/send-message')
        .set(botAuth(bot))
        .send({ chat_id: chatId, content: 'still here?' })
        .expect(403);
    }
  });

  it("a key published through one process is in the other's next send", async () => {
    const owner = await registerUser(httpA);
    const member = await registerUser(httpA);
    const chatId = await group(owner, [member]);
    await say(httpB, owner, chatId, 'plain');
    const key = Buffer.alloc(32, 9).toString('base64');
    await httpA.put('/api/v1/auth/keys').set(bearer(member)).send({ public_key: key }).expect(200);
    // What B's next send would box to (the sealing itself is test/e2e's).
    const audience = await two.current.b.services.chats.audience(chatId, owner.id);
    expect(audience.members.find((m) => m.userId === member.id)?.publicKey).toBe(key);
  });

  it("reads a chat's audience when it is opened: its first send reads no members", async () => {
    const owner = await registerUser(httpA);
    const bot = await registerBot(httpA, owner, { permissions: ['read_messages'] });
    const repo = (two.current.a.services.chats as unknown as { repo: ChatsRepository }).repo;
    const reads = jest.spyOn(repo, 'recipients');
    try {
      const chatId = await openChat(httpA, owner, bot);
      await waitFor(() => reads.mock.calls.length > 0);
      await reads.mock.results[0]!.value;
      await say(httpA, owner, chatId, 'first');
      expect(reads).toHaveBeenCalledTimes(1);
      expect(await heard(bot)).toEqual(['first']);
    } finally {
      reads.mockRestore();
    }
  });

  it('a key published through one process after the other opened the chat is in its first send', async () => {
    const owner = await registerUser(httpA);
    const bot = await registerBot(httpA, owner, { permissions: ['read_messages'] });
    const chatId = await openChat(httpA, owner, bot);
    await sleep(100); // A has read the audience
    const key = Buffer.alloc(32, 7).toString('base64');
    await httpB.put('/api/v1/auth/keys').set(bearer(owner)).send({ public_key: key }).expect(200);
    const audience = await two.current.a.services.chats.audience(chatId, owner.id);
    expect(audience.members.find((m) => m.userId === owner.id)?.publicKey).toBe(key);
  });
});
