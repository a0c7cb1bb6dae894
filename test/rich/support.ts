// Helpers shared by the rich-messaging tests: bot calls, update and feed reads, media bytes.
import { randomBytes } from 'node:crypto';
import type supertest from 'supertest';
import { bearer, botAuth, type TestBot, type TestUser } from '../support/fixtures';

type Http = ReturnType<typeof supertest>;

export interface Update {
  update_id: number;
  type: string;
  payload: Record<string, unknown> & { media?: Record<string, unknown> };
}

export interface FeedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** POST /api/v1/bot/<method>, expecting `status`. */
export function botCall(
  http: Http,
  bot: TestBot,
  method: string,
  body: Record<string, unknown>,
  status = 200,
) {
  return http.post(`/api/v1/bot/${method}`).set(botAuth(bot)).send(body).expect(status);
}

/** Everything waiting for the bot (consumed). */
export async function updatesOf(http: Http, bot: TestBot): Promise<Update[]> {
  const r = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
  return r.body.updates;
}

/** The user's feed after `after` (default: all of it). */
export async function feedOf(http: Http, user: TestUser, after = '0') {
  const r = await http.get(`/api/v1/events?timeout=0&after=${after}`).set(bearer(user)).expect(200);
  return r.body as { events: FeedEvent[]; cursor: string };
}

export async function historyOf(http: Http, user: TestUser, chatId: string) {
  const r = await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(user)).expect(200);
  return r.body.messages as Record<string, unknown>[] & { id: string }[];
}

type Parser = Extract<
  Parameters<ReturnType<Http['get']>['parse']>[0],
  (a: never, b: never) => void
>;

/** superagent parser that keeps any response body as raw bytes. */
export const binary: Parser = (res, done) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** `size` random bytes that start like a PNG (photos are checked for their type). */
export const pngBytes = (size: number) =>
  Buffer.concat([PNG_SIGNATURE, randomBytes(Math.max(size - 8, 0))]);

export const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
