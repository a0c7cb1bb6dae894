import { useTestPlatform } from '../support/platform';
import {
  acceptInvitations,
  bearer,
  botAuth,
  registerBot,
  registerUser,
  say,
  userBotChat,
} from '../support/fixtures';
import { NO_SUCH_ID, botCall, feedOf, pngBytes, updatesOf } from './support';

const t = useTestPlatform();

/** A group made by `owner` with `friend`, then two bots added through the members route. */
async function groupWithTwoBots() {
  const { http } = t.current;
  const owner = await registerUser(http);
  const friend = await registerUser(http);
  const a = await registerBot(http, owner, { name: 'Alpha' });
  const b = await registerBot(http, friend, { name: 'Beta' });
  const g = await http
    .post('/api/v1/chats')
    .set(bearer(owner))
    .send({ type: 'group', title: 'Team', member_ids: [friend.id] })
    .expect(201);
  const chatId = g.body.chat.id as string;
  await acceptInvitations(http, friend);
  await http
    .post(`/api/v1/chats/${chatId}/members`)
    .set(bearer(owner))
    .send({ bot_id: a.id })
    .expect(200);
  await http
    .post(`/api/v1/chats/${chatId}/members`)
    .set(bearer(friend))
    .send({ bot_id: b.id })
    .expect(200);
  return { owner, friend, a, b, chatId };
}

describe('groups', () => {
  it('every bot in the group gets updates for people’s messages, edits and reactions', async () => {
    const { http } = t.current;
    const { owner, friend, a, b, chatId } = await groupWithTwoBots();
    const m = await say(http, friend, chatId, '/start@' + a.username);
    await http
      .patch(`/api/v1/chats/${chatId}/messages/${m.id}`)
      .set(bearer(friend))
      .send({ content: 'plain now' })
      .expect(200);
    await http
      .post(`/api/v1/chats/${chatId}/messages/${m.id}/reactions`)
      .set(bearer(owner))
      .send({ emoji: '👀' })
      .expect(200);
    for (const bot of [a, b]) {
      const ups = await updatesOf(http, bot);
      expect(ups.map((u) => u.type)).toEqual(['message', 'edited_message', 'message_reaction']);
      expect(ups[0]!.payload).toMatchObject({
        chat_id: chatId,
        chat_type: 'group',
        user_id: friend.id,
      });
      expect(ups[2]!.payload).toMatchObject({ user_id: owner.id, new_reaction: ['👀'] });
    }
    // The command was addressed to Alpha: only Alpha sees it as one.
    const again = await say(http, friend, chatId, '/help@' + a.username);
    const [ua] = await updatesOf(http, a);
    const [ub] = await updatesOf(http, b);
    expect([ua!.payload.message_id, ua!.payload.is_command]).toEqual([again.id, true]);
    expect([ub!.payload.message_id, ub!.payload.is_command]).toEqual([again.id, false]);
  });

  it('bots never see bots: a bot’s message, photo or poll reaches people only', async () => {
    const { http } = t.current;
    const { owner, friend, a, b, chatId } = await groupWithTwoBots();
    await botCall(http, a, 'send-message', { chat_id: chatId, content: 'from Alpha' });
    await botCall(http, a, 'send-poll', { chat_id: chatId, question: 'Q?', options: ['x', 'y'] });
    await botCall(http, a, 'send-photo', {
      chat_id: chatId,
      photo: pngBytes(64).toString('base64'),
      mime: 'image/png',
      w: 8,
      h: 8,
    });
    expect(await updatesOf(http, b)).toEqual([]);
    for (const person of [owner, friend]) {
      const { events } = await feedOf(http, person);
      expect(events.map((e) => e.type)).toEqual(['message.new', 'message.new', 'message.new']);
    }
  });

  it('a poll’s answers go to the bot that asked, not to the others', async () => {
    const { http } = t.current;
    const { friend, a, b, chatId } = await groupWithTwoBots();
    const p = await botCall(http, a, 'send-poll', {
      chat_id: chatId,
      question: 'When?',
      options: ['Now', 'Later'],
      is_anonymous: false,
    });
    await http
      .post(`/api/v1/chats/${chatId}/polls/${p.body.message_id}/votes`)
      .set(bearer(friend))
      .send({ option_ids: [0] })
      .expect(200);
    expect((await updatesOf(http, a)).map((u) => u.type)).toEqual(['poll_answer']);
    expect(await updatesOf(http, b)).toEqual([]);
  });

  it('only members add members, and only to groups', async () => {
    const { http } = t.current;
    const { chatId, a } = await groupWithTwoBots();
    const stranger = await registerUser(http);
    await http
      .post(`/api/v1/chats/${chatId}/members`)
      .set(bearer(stranger))
      .send({ bot_id: a.id })
      .expect(403);
    const priv = await userBotChat(http);
    const res = await http
      .post(`/api/v1/chats/${priv.chatId}/members`)
      .set(bearer(priv.user))
      .send({ bot_id: a.id })
      .expect(400);
    expect(res.body).toEqual({ error: 'members can only be added to a group' });
    await http
      .post(`/api/v1/chats/${chatId}/members`)
      .set(bearer(stranger))
      .send({ bot_id: 'nope' })
      .expect(400);
  });
});

describe('GET /api/v1/bot/chat', () => {
  it('returns id, type, title, members and the pinned message', async () => {
    const { http } = t.current;
    const { owner, friend, a, b, chatId } = await groupWithTwoBots();
    const res = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(a)).expect(200);
    expect(res.body.chat).toMatchObject({
      id: chatId,
      type: 'group',
      title: 'Team',
      pinned_message: null,
    });
    expect(res.body.chat.members.map((m: { id: string }) => m.id).sort()).toEqual(
      [owner.id, friend.id, a.userId, b.userId].sort(),
    );
    expect(res.body.chat.members.find((m: { id: string }) => m.id === b.userId)).toMatchObject({
      is_bot: true,
      bot_id: b.id,
      username: b.username,
    });
    const m = await say(http, owner, chatId, 'agenda');
    await botCall(http, a, 'pin-message', { chat_id: chatId, message_id: m.id });
    const pinned = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(b)).expect(200);
    expect(pinned.body.chat.pinned_message).toMatchObject({
      id: m.id,
      content: 'agenda',
      sender: { id: owner.id },
    });
  });

  it('titles a private chat after the person', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const res = await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot)).expect(200);
    expect(res.body.chat).toMatchObject({ id: chatId, type: 'private', title: user.username });
  });

  it('refuses non-members (403), unknown chats (404) and a missing chat_id (400)', async () => {
    const { http } = t.current;
    const { chatId } = await userBotChat(http);
    const outsider = await registerBot(http, await registerUser(http));
    const get = (q: string) => http.get(`/api/v1/bot/chat${q}`).set(botAuth(outsider));
    expect((await get(`?chat_id=${chatId}`).expect(403)).body).toEqual({
      error: 'bot is not a member of the chat',
    });
    await get(`?chat_id=${NO_SUCH_ID}`).expect(404);
    await get('?chat_id=nope').expect(404);
    expect((await get('').expect(400)).body).toEqual({ error: 'chat_id is required' });
    await get('?chat_id=a&chat_id=b').expect(400);
    await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).expect(401);
  });
});
