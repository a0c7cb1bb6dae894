// Small builders for the things most tests need: an account, a bot, a chat.
import { randomBytes } from 'node:crypto';
import type supertest from 'supertest';

type Http = ReturnType<typeof supertest>;

export interface TestUser {
  id: string;
  username: string;
  token: string;
  password: string;
}

export interface TestBot {
  id: string;
  userId: string;
  username: string;
  apiKey: string;
  /** The same key in Telegram's `<digits>:<secret>` shape (gateway libraries). */
  telegramToken: string;
}

export const uniqueName = (prefix = 'u') => `${prefix}${randomBytes(5).toString('hex')}`;

export async function registerUser(http: Http, username = uniqueName()): Promise<TestUser> {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const res = await http.post('/api/v1/auth/register').send({ username, password }).expect(201);
  return { id: res.body.user.id, username, token: res.body.token, password };
}

export async function registerBot(
  http: Http,
  owner: TestUser,
  body: Record<string, unknown> = {},
): Promise<TestBot> {
  const res = await http
    .post('/api/v1/bot/register')
    .set('authorization', `Bearer ${owner.token}`)
    .send({ name: 'Test Bot', ...body })
    .expect(201);
  return {
    id: res.body.bot.id,
    userId: res.body.bot.user_id,
    username: res.body.bot.username,
    apiKey: res.body.api_key,
    telegramToken: res.body.telegram_token,
  };
}

export const bearer = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });
export const botAuth = (b: { apiKey: string }) => ({ 'x-bot-token': b.apiKey });

/** The private chat between a user and a bot. */
export async function openChat(http: Http, user: TestUser, bot: TestBot): Promise<string> {
  const res = await http.post('/api/v1/chats').set(bearer(user)).send({ bot_id: bot.id });
  if (res.status !== 201 && res.status !== 200) throw new Error(`open chat: ${res.status}`);
  return res.body.chat.id;
}

export async function say(http: Http, user: TestUser, chatId: string, content: string) {
  const res = await http
    .post(`/api/v1/chats/${chatId}/messages`)
    .set(bearer(user))
    .send({ content })
    .expect(201);
  return res.body.message as { id: string; content: string };
}

/** A user, a bot of theirs, and their private chat. */
export async function userBotChat(http: Http, botBody: Record<string, unknown> = {}) {
  const user = await registerUser(http);
  const bot = await registerBot(http, user, botBody);
  const chatId = await openChat(http, user, bot);
  return { user, bot, chatId };
}

/** Consent: `user` accepts every group invitation waiting for them. */
export async function acceptInvitations(http: Http, user: TestUser): Promise<void> {
  const res = await http.get('/api/v1/invitations').set(bearer(user)).expect(200);
  for (const { id } of res.body.invitations as { id: string }[]) {
    await http.post(`/api/v1/invitations/${id}/accept`).set(bearer(user)).expect(200);
  }
}
