// Issue 12, item 4: one person's message writes are limited (USER_WRITES_PER_MINUTE, 120 by
// default), counted in Redis: the attack run's 1,260 posts in 5 s into a group now store at
// most 120 messages, and the rest are 429 with Retry-After.
import { bearer, registerBot, registerUser, say } from '../support/fixtures';
import { call } from '../support/http-call';
import { startListening, type Listening } from '../gateway/support';

const PER_MINUTE = 120;
let p: Listening;
beforeAll(async () => {
  p = await startListening();
});
afterAll(async () => {
  await p?.close();
});

describe('per-person write limit', () => {
  it('1,260 posts in 5 s: at most 120 stored, the rest 429 with Retry-After', async () => {
    const base = `http://127.0.0.1:${p.port}`;
    const spammer = await registerUser(p.http);
    const bot = await registerBot(p.http, spammer);
    const listener = await registerUser(p.http);
    const g = await p.http
      .post('/api/v1/chats')
      .set(bearer(spammer))
      .send({ type: 'group', title: 'Flood', bot_ids: [bot.id], member_ids: [listener.id] })
      .expect(201);
    const chatId = g.body.chat.id as string;
    const inv = await p.http.get('/api/v1/invitations').set(bearer(listener)).expect(200);
    await p.http
      .post(`/api/v1/invitations/${inv.body.invitations[0].id}/accept`)
      .set(bearer(listener))
      .expect(200);

    const statuses = new Map<number, number>();
    let limitedBody: unknown;
    let retryAfter: string | null = null;
    const started = Date.now();
    let sent = 0;
    // 20 at a time, until 1,260 are sent or 5 s have passed.
    const worker = async () => {
      while (sent < 1260 && Date.now() - started < 5000) {
        const i = sent++;
        const res = await fetch(`${base}/api/v1/chats/${chatId}/messages`, {
          method: 'POST',
          headers: { ...bearer(spammer), 'content-type': 'application/json' },
          body: JSON.stringify({ content: `flood ${i}` }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 429 && limitedBody === undefined) {
          retryAfter = res.headers.get('retry-after');
          limitedBody = await res.json();
        } else {
          await res.arrayBuffer();
        }
      }
    };
    await Promise.all([...Array(20)].map(worker));
    const ms = Date.now() - started;
    console.log(
      `write flood: ${sent} posts in ${ms} ms → ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(statuses.get(201)).toBeLessThanOrEqual(PER_MINUTE);
    expect(statuses.get(201)).toBeGreaterThan(0);
    expect(statuses.get(429)).toBe(sent - statuses.get(201)!);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(limitedBody).toEqual({ error: `too many requests, retry after ${retryAfter}` });

    // What reached storage: the accepted posts only, and their events.
    const { rows } = await p.platform.sql.query<{ messages: number; events: number }>(
      `SELECT (SELECT count(*) FROM messages WHERE chat_id = $1)::int AS messages,
              (SELECT count(*) FROM user_events WHERE type = 'message.new')::int AS events`,
      [chatId],
    );
    expect(rows[0]!.messages).toBe(statuses.get(201));
    expect(rows[0]!.events).toBeLessThanOrEqual(2 * PER_MINUTE);

    // Per person: the listener is not held back by the spammer's flood.
    await say(p.http, listener, chatId, 'still talking');
    // Edits, reactions and the like draw on the same budget.
    const edit = await call(base, 'PATCH', `/api/v1/chats/${chatId}/messages/whatever`, {
      headers: bearer(spammer),
      body: { content: 'x' },
    });
    expect(edit.status).toBe(429);
  }, 60000);
});
