// Every send reads its chat's members (who may post, who hears): concurrent sends share one
// statement for that read, yet each gets its own chat's answer, and a read always starts
// after its send arrived, so a membership change committed before a send is seen by it.
import { useTestPlatform } from '../support/platform';
import {
  acceptInvitations,
  bearer,
  botAuth,
  registerBot,
  registerUser,
  userBotChat,
  type TestUser,
} from '../support/fixtures';
import { feedOf } from '../rich/support';
import { registry } from '../../src/infra/metrics';

const t = useTestPlatform();

async function readsShared(): Promise<{ reads: number; chats: number }> {
  const m = await registry.getSingleMetric('quanta_recipient_read_batch_size')!.get();
  const value = (name: string) =>
    m.values.find((v) => (v as { metricName?: string }).metricName === name)?.value ?? 0;
  return {
    reads: value('quanta_recipient_read_batch_size_count'),
    chats: value('quanta_recipient_read_batch_size_sum'),
  };
}

async function groupWith(owner: TestUser, people: TestUser[], botId: string): Promise<string> {
  const { http } = t.current;
  const res = await http
    .post('/api/v1/chats')
    .set(bearer(owner))
    .send({ type: 'group', title: 'Team', member_ids: people.map((p) => p.id) })
    .expect(201);
  const chatId = res.body.chat.id as string;
  for (const p of people) await acceptInvitations(http, p);
  await http
    .post(`/api/v1/chats/${chatId}/members`)
    .set(bearer(owner))
    .send({ bot_id: botId })
    .expect(200);
  return chatId;
}

describe('membership reads shared by concurrent sends', () => {
  it('one statement reads several chats; each caller gets its own chat or its own refusal', async () => {
    const { http, platform } = t.current;
    const chats = await Promise.all([...Array(4)].map(() => userBotChat(http)));
    const stranger = await registerUser(http);
    const { chats: service } = platform.services;
    // Opening a chat reads its audience; forget those so that the reads below go to Postgres.
    for (const { chatId } of chats) await service.membersChanged(chatId);
    const before = await readsShared();
    // Asked in one turn of the event loop: one read for all of them.
    const outcomes = await Promise.allSettled([
      ...chats.map(({ chatId, user }) => service.audience(chatId, user.id)),
      // The same chat twice, once named in upper case.
      service.audience(chats[0]!.chatId.toUpperCase(), chats[0]!.bot.userId),
      service.audience(chats[1]!.chatId, stranger.id),
      service.audience('00000000-0000-4000-8000-000000000000', stranger.id),
    ]);
    const after = await readsShared();
    expect(after.reads - before.reads).toBe(1);
    expect(after.chats - before.chats).toBe(7);

    chats.forEach(({ user, bot }, i) => {
      const o = outcomes[i]!;
      expect(o.status).toBe('fulfilled');
      const members = (o as PromiseFulfilledResult<{ members: { userId: string }[] }>).value
        .members;
      expect(members.map((m) => m.userId).sort()).toEqual([user.id, bot.userId].sort());
    });
    expect(outcomes[4]).toMatchObject({
      status: 'fulfilled',
      value: {
        members: expect.arrayContaining([expect.objectContaining({ userId: chats[0]!.user.id })]),
      },
    });
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: { reason: 'not_a_member' } });
    expect(outcomes[6]).toMatchObject({ status: 'rejected', reason: { reason: 'chat_not_found' } });
  });

  it('concurrent sends over HTTP: the bot still in its chat is answered, the removed one refused', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bots = await Promise.all([...Array(3)].map(() => registerBot(http, owner)));
    const chatIds: string[] = [];
    for (const bot of bots) chatIds.push(await groupWith(owner, [], bot.id));
    await http
      .delete(`/api/v1/chats/${chatIds[1]}/members/${bots[1]!.userId}`)
      .set(bearer(owner))
      .expect(204);
    const res = await Promise.all(
      bots.map((bot, i) =>
        http
          .post('/api/v1/bot/send-message')
          .set(botAuth(bot))
          .send({ chat_id: chatIds[i], content: `from ${i}` }),
      ),
    );
    expect(res.map((r) => r.status)).toEqual([200, 403, 200]);
    expect(res[0]!.body.message.content).toBe('from 0');
    expect(res[2]!.body.message.content).toBe('from 2');
  });

  it('a removed member stops receiving at once, and a removed bot is refused at once', async () => {
    const { http } = t.current;
    const [owner, a, b] = [
      await registerUser(http),
      await registerUser(http),
      await registerUser(http),
    ];
    const bot = await registerBot(http, owner);
    const chatId = await groupWith(owner, [a, b], bot.id);
    const send = (content: string) =>
      http.post('/api/v1/bot/send-message').set(botAuth(bot)).send({ chat_id: chatId, content });
    const heard = async (u: TestUser) =>
      (await feedOf(http, u)).events
        .filter((e) => e.type === 'message.new')
        .map((e) => (e.data as { content: string }).content);

    expect((await send('to all')).status).toBe(200);
    await http.delete(`/api/v1/chats/${chatId}/members/${b.id}`).set(bearer(owner)).expect(204);
    // The very next send, right after the removal was answered.
    expect((await send('without b')).status).toBe(200);
    expect(await heard(a)).toEqual(['to all', 'without b']);
    expect(await heard(b)).toEqual(['to all']);

    await http
      .delete(`/api/v1/chats/${chatId}/members/${bot.userId}`)
      .set(bearer(owner))
      .expect(204);
    const refused = await send('still here?');
    expect(refused.status).toBe(403);
    expect(await heard(a)).toEqual(['to all', 'without b']);
  });
});
