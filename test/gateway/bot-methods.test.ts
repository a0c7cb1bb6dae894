// The methods ordinary Telegram bots call beyond messaging (issue 14): copyMessage, chat
// members, leaving a group, the bot's own name and descriptions, logOut/close — through
// grammY's Api (what bots call) and raw requests for the error descriptions.
import { Api } from 'grammy';
import {
  acceptInvitations,
  bearer,
  registerBot,
  registerUser,
  say,
  userBotChat,
} from '../support/fixtures';
import { startListening, type Listening } from './support';

let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(async () => {
  await p?.close();
});

const apiOf = (token: string) => new Api(token, { apiRoot: p.apiRoot });
const raw = async (token: string, method: string, body: object) => {
  const res = await fetch(`${p.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { description?: string; result?: unknown },
  };
};

/** A person's private chat with a bot, seen from the bot: the chat's integer id. */
async function privateChat() {
  const { user, bot, chatId } = await userBotChat(p.http);
  await say(p.http, user, chatId, 'hello');
  const api = apiOf(bot.telegramToken);
  const [u] = await api.getUpdates({ timeout: 0 });
  return { user, bot, chatId, api, chat: u!.message!.chat.id, person: u!.message!.from };
}

describe('copyMessage', () => {
  it('copies a text message without a label and answers its id; refuses what it cannot', async () => {
    const { bot, chatId, user, api, chat } = await privateChat();
    const copied = await api.copyMessage(chat, chat, 1);
    expect(copied).toEqual({ message_id: 2 });
    const history = await p.http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
    const last = history.body.messages.at(-1);
    expect(last).toMatchObject({ content: 'hello', sender: { id: bot.userId } });
    expect(last.forwarded_from ?? last.forward_from).toBeUndefined();

    const missing = await raw(bot.telegramToken, 'copyMessage', {
      chat_id: chat,
      from_chat_id: chat,
      message_id: 99,
    });
    expect(missing).toMatchObject({
      status: 400,
      body: { description: 'Bad Request: message to copy not found' },
    });
    const noChat = await raw(bot.telegramToken, 'copyMessage', {
      from_chat_id: chat,
      message_id: 1,
    });
    expect(noChat.body.description).toBe('Bad Request: chat_id is empty');
  });
});

describe('chat members', () => {
  it('getChatMember and getChatMemberCount in a private chat and a group; the creator is "creator"', async () => {
    const { bot, api, chat, person } = await privateChat();
    const me = await api.getMe();
    expect(await api.getChatMemberCount(chat)).toBe(2);
    expect(await api.getChatMember(chat, person.id)).toEqual({ status: 'member', user: person });
    expect(await api.getChatMember(chat, me.id)).toEqual({
      status: 'member',
      user: { id: me.id, is_bot: true, first_name: me.first_name, username: me.username },
    });

    const owner = await registerUser(p.http);
    const friend = await registerUser(p.http);
    const groupBot = await registerBot(p.http, owner);
    const group = await p.http
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Team', member_ids: [friend.id], bot_ids: [groupBot.id] })
      .expect(201);
    await acceptInvitations(p.http, friend);
    await say(p.http, owner, group.body.chat.id, 'hi');
    const gapi = apiOf(groupBot.telegramToken);
    const [u] = await gapi.getUpdates({ timeout: 0 });
    const groupId = u!.message!.chat.id;
    expect(await gapi.getChatMemberCount(groupId)).toBe(3);
    expect(await gapi.getChatMember(groupId, u!.message!.from.id)).toMatchObject({
      status: 'creator',
      is_anonymous: false,
      user: { username: owner.username },
    });

    // Someone outside the chat, and a chat the bot is not in.
    const stranger = await raw(groupBot.telegramToken, 'getChatMember', {
      chat_id: groupId,
      user_id: person.id,
    });
    expect(stranger).toMatchObject({
      status: 400,
      body: { description: 'Bad Request: user not found' },
    });
    const notIn = await raw(bot.telegramToken, 'getChatMemberCount', { chat_id: groupId });
    expect(notIn.status).toBe(403);

    // The bot leaves the group: the people see it go, and it can no longer read it.
    expect(await gapi.leaveChat(groupId)).toBe(true);
    const after = await raw(groupBot.telegramToken, 'getChatMemberCount', { chat_id: groupId });
    expect(after.status).toBe(403);
    const members = await p.http.get(`/api/v1/chats/${group.body.chat.id}`).set(bearer(owner));
    expect(members.body.chat.members.map((m: { id: string }) => m.id)).not.toContain(
      groupBot.userId,
    );
    const privateLeave = await raw(bot.telegramToken, 'leaveChat', { chat_id: chat });
    expect(privateLeave).toMatchObject({
      status: 400,
      body: { description: "Bad Request: chat member status can't be changed in private chats" },
    });
  });
});

describe('the bot’s own profile', () => {
  it('sets and reads its name, description and short description; limits are 400s', async () => {
    const { user, bot, api } = await privateChat();
    expect(await api.getMyName()).toEqual({ name: 'Test Bot' });
    expect(await api.getMyDescription()).toEqual({ description: '' });
    expect(await api.getMyShortDescription()).toEqual({ short_description: '' });

    expect(await api.setMyName('Renamed Bot')).toBe(true);
    expect(await api.setMyDescription('Does useful things.')).toBe(true);
    expect(await api.setMyShortDescription('Useful.', { language_code: 'en' })).toBe(true);
    expect(await api.getMyName()).toEqual({ name: 'Renamed Bot' });
    expect(await api.getMyDescription()).toEqual({ description: 'Does useful things.' });
    expect(await api.getMyShortDescription()).toEqual({ short_description: 'Useful.' });
    // The new name is what people see, and what getMe says.
    expect((await api.getMe()).first_name).toBe('Renamed Bot');
    const owned = await p.http.get('/api/v1/bot/my-bots').set(bearer(user)).expect(200);
    expect(JSON.stringify(owned.body)).toContain('Renamed Bot');

    expect(await api.setMyDescription('')).toBe(true);
    expect(await api.getMyDescription()).toEqual({ description: '' });

    const long = await raw(bot.telegramToken, 'setMyShortDescription', {
      short_description: 'x'.repeat(121),
    });
    expect(long.status).toBe(400);
    expect(long.body.description).toMatch(/^Bad Request: short_description/);
    const noName = await raw(bot.telegramToken, 'setMyName', {});
    expect(noName.status).toBe(400);
    const tooLongName = await raw(bot.telegramToken, 'setMyName', { name: 'n'.repeat(65) });
    expect(tooLongName.status).toBe(400);
  });

  it('logOut and close answer true and change nothing', async () => {
    const { api } = await privateChat();
    expect(await api.logOut()).toBe(true);
    expect(await api.close()).toBe(true);
    expect((await api.getMe()).is_bot).toBe(true);
  });
});
