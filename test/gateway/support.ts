// Shared by the compatibility tests: a platform listening on real ports, and a messenger
// user who drives a bot through the messenger API and waits for what the bot does.
import type supertest from 'supertest';
import { startTestPlatform, type Env, type TestPlatform } from '../support/platform';
import { bearer, type TestBot, type TestUser, say } from '../support/fixtures';

type Http = ReturnType<typeof supertest>;

export interface Listening extends TestPlatform {
  /** http://127.0.0.1:<GATEWAY_PORT>, what a library takes as its API root. */
  apiRoot: string;
  port: number;
}

export async function startListening(overrides: Env = {}): Promise<Listening> {
  const t = await startTestPlatform(overrides);
  try {
    const { port, gatewayPort } = await t.platform.start();
    return { ...t, apiRoot: `http://127.0.0.1:${gatewayPort}`, port: port! };
  } catch (err) {
    await t.close();
    throw err;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a value (bounded). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 10000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export interface ChatMessage {
  id: string;
  content: string;
  payload: { buttons?: unknown[][] };
  sender: { id: string };
  edited_at?: string;
  media?: { kind: string; mime: string; w?: number; h?: number };
}

export async function history(http: Http, user: TestUser, chatId: string) {
  const res = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user));
  return res.body.messages as ChatMessage[];
}

export function botSaid(http: Http, user: TestUser, bot: TestBot, chatId: string, text: string) {
  return eventually(`the bot to say "${text}"`, async () =>
    (await history(http, user, chatId)).find(
      (m) => m.sender.id === bot.userId && m.content === text,
    ),
  );
}

/**
 * The scenario every library bot is put through, by a messenger user: /start with an
 * argument, an echo, an inline keyboard whose tap is answered with text and an edit.
 */
export async function driveScenario(http: Http, user: TestUser, bot: TestBot, chatId: string) {
  await say(http, user, chatId, '/start deep-link-7');
  await botSaid(http, user, bot, chatId, 'Welcome! payload=deep-link-7');

  await say(http, user, chatId, 'hello there');
  await botSaid(http, user, bot, chatId, 'Echo: hello there');

  await say(http, user, chatId, '/menu');
  const menu = await botSaid(http, user, bot, chatId, 'Pick one');
  expect(menu.payload.buttons).toEqual([[{ text: 'Yes', callback_data: 'pick:yes' }]]);
  const tap = await http
    .post(`/api/v1/chats/${chatId}/messages/${menu.id}/callback`)
    .set(bearer(user))
    .send({ callback_data: 'pick:yes' })
    .expect(202);
  const answer = await eventually('the callback answer', async () => {
    const res = await http.get(`/api/v1/callbacks/${tap.body.callback_id}`).set(bearer(user));
    return res.body.answered ? res.body : undefined;
  });
  expect(answer).toMatchObject({ answered: true, text: 'You picked yes' });
  const edited = await eventually('the edit', async () =>
    (await history(http, user, chatId)).find((m) => m.id === menu.id && m.edited_at),
  );
  expect(edited.content).toBe('Picked: yes');

  await say(http, user, chatId, '/photo');
  const photo = await botSaid(http, user, bot, chatId, 'A dot');
  expect(photo.media).toMatchObject({ kind: 'photo', mime: 'image/png', w: 1, h: 1 });
}

/** A 1×1 PNG, written to a file for the bots to send "from a file". */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
