// A bot's wakeup carries the update it announces; a poll parked right behind it (offset
// acknowledged, nothing at or past the offset) answers from it without reading the log.
// Anything else reads the log: no update is answered twice or skipped.
import supertest from 'supertest';
import { botChannel } from '../../src/domain/messages/fanout';
import {
  carriedRow,
  carryingWakeup,
  MAX_CARRIED_CHARS,
} from '../../src/domain/updates/carried-update';
import { updateFromRow, type UpdateRow } from '../../src/domain/updates/update-row';
import { stamped } from '../../src/realtime/wakeup-bus';
import { useTestPlatform } from '../support/platform';
import { parkedPoll } from '../support/parked-poll';
import { botAuth, say, userBotChat, type TestBot } from '../support/fixtures';
import { sleep, waitFor } from '../support/processes';

const t = useTestPlatform();

type Body = { updates: { update_id: number; payload: { content: string } }[] };
const ids = (b: Body) => b.updates.map((u) => u.update_id);

/** Starts a poll and resolves once it has read the log (empty) and parked. */
const parked = (bot: TestBot, query: string) =>
  parkedPoll(t.current.platform, t.current.http, bot, query);

afterEach(() => jest.restoreAllMocks());

describe('wakeups that carry their update', () => {
  it('answers the next update from the wakeup, as a read would, and the ack stays stored', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    await say(api, user, chatId, 'one');
    const { answer, reads } = await parked(bot, 'offset=2'); // acknowledges 1
    await say(api, user, chatId, 'two');
    const res = await answer;
    expect(res.status).toBe(200);
    expect(ids(res.body as Body)).toEqual([2]);
    expect(reads).toHaveBeenCalledTimes(1); // only the empty read before parking
    // What the log says for the same poll, read now: the same answer.
    const again = await api.get('/api/v1/bot/updates?timeout=0&offset=2').set(botAuth(bot));
    expect(res.body).toEqual(again.body);
    expect(await platform.services.updates.pendingCount(bot.id)).toBe(1); // 1 acknowledged
  });

  it("lets the bot's next poll park without a read, and still answers what comes next", async () => {
    const { http: api } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const first = await parked(bot, 'offset=1');
    await say(api, user, chatId, 'one');
    expect(ids((await first.answer).body as Body)).toEqual([1]);
    jest.restoreAllMocks();
    // The poll right behind the carried update: nothing was published since, no read.
    const reads = jest.spyOn(t.current.platform.services.updates, 'read');
    const next = api
      .get('/api/v1/bot/updates?timeout=20&offset=2')
      .set(botAuth(bot))
      .then((r) => r);
    await sleep(100);
    expect(reads).not.toHaveBeenCalled();
    await say(api, user, chatId, 'two');
    expect(ids((await next).body as Body)).toEqual([2]);
    expect(reads).not.toHaveBeenCalled();
    // News between an answer and the next poll: that poll reads, and finds it.
    await say(api, user, chatId, 'three');
    const after = await api.get('/api/v1/bot/updates?timeout=20&offset=3').set(botAuth(bot));
    expect(ids(after.body as Body)).toEqual([3]);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('reads the log when the wakeup is not the update the poll expects (a lost wakeup)', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const { answer, reads } = await parked(bot, 'offset=1');
    // Update 1 is committed but its wakeup is lost; update 2's arrives.
    const publish = platform.bus.publish.bind(platform.bus);
    jest.spyOn(platform.bus, 'publish').mockImplementationOnce(() => Promise.resolve());
    await say(api, user, chatId, 'lost');
    await sleep(50);
    jest.spyOn(platform.bus, 'publish').mockImplementation(publish);
    await say(api, user, chatId, 'heard');
    const res = await answer;
    expect(ids(res.body as Body)).toEqual([1, 2]);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('never answers an update twice or skips one when messages come close together', async () => {
    const { http: api } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const seen: number[] = [];
    const polling = (async () => {
      let offset = 1;
      while (seen.length < 6) {
        const r = await api
          .get(`/api/v1/bot/updates?timeout=5&offset=${offset}`)
          .set(botAuth(bot))
          .expect(200);
        for (const id of ids(r.body as Body)) seen.push(id);
        offset = (seen.at(-1) ?? 0) + 1;
      }
    })();
    await sleep(100);
    await say(api, user, chatId, 'a');
    await Promise.all(['b', 'c'].map((c) => say(api, user, chatId, c)));
    await say(api, user, chatId, 'd');
    await Promise.all(['e', 'f'].map((c) => say(api, user, chatId, c)));
    await polling;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never answers a consuming poll from the wakeup: the mark must move in Postgres', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const { answer, reads } = await parked(bot, 'limit=10');
    await say(api, user, chatId, 'consumed');
    const res = await answer;
    expect(ids(res.body as Body)).toEqual([1]);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(await platform.services.updates.pendingCount(bot.id)).toBe(0);
  });

  it('ignores a wakeup carrying another number than the offset', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const { answer } = await parked(bot, 'offset=1');
    const forged = forgedRow('not in the log', '2');
    platform.bus.wakeLocal(botChannel(bot.id), stamped(carryingWakeup(forged)));
    await sleep(100);
    await say(api, user, chatId, 'in the log');
    const res = await answer;
    expect((res.body as Body).updates.map((u) => u.payload.content)).toEqual(['in the log']);
  });
});

describe('wakeups that carry their update, Telegram getUpdates', () => {
  const getUpdates = (bot: TestBot, body: object) =>
    supertest(t.current.platform.gateway)
      .post(`/bot${bot.telegramToken}/getUpdates`)
      .send(body)
      .then((r) => r);

  it('answers a poll that asked for messages from the wakeup', async () => {
    const { http: api, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const reads = jest.spyOn(platform.services.updates, 'read');
    const answer = getUpdates(bot, { offset: 1, timeout: 20, allowed_updates: ['message'] });
    await waitFor(() => reads.mock.results.length > 0);
    await reads.mock.results[0]!.value;
    await sleep(30);
    await say(api, user, chatId, 'hello');
    const res = await answer;
    expect(res.body.result).toMatchObject([{ update_id: 1, message: { text: 'hello' } }]);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('never answers a type the poll did not ask for', async () => {
    const { http: api } = t.current;
    const { user, bot, chatId } = await userBotChat(api);
    const answer = getUpdates(bot, { offset: 1, timeout: 1, allowed_updates: ['callback_query'] });
    await sleep(300);
    await say(api, user, chatId, 'not asked for');
    expect((await answer).body.result).toEqual([]);
    const all = await getUpdates(bot, { offset: 1, timeout: 0 });
    expect(all.body.result).toMatchObject([{ update_id: 1, message: { text: 'not asked for' } }]);
  });
});

describe('the carried form', () => {
  it('reads back as the log row reads, stamped or not', () => {
    const row = forgedRow('hello @someone', '7');
    expect(carriedRow(stamped(carryingWakeup(row)))).toEqual(row);
    expect(carriedRow(carryingWakeup(row))).toEqual(row);
    expect(updateFromRow(carriedRow(carryingWakeup(row))!)).toEqual(updateFromRow(row));
    expect(carriedRow(stamped('update'))).toBeUndefined();
  });

  it('carries nothing beyond its size bound', () => {
    const row = forgedRow('x'.repeat(MAX_CARRIED_CHARS), '1');
    expect(carryingWakeup(row)).toBe('update');
  });
});

function forgedRow(content: string, updateId: string): UpdateRow {
  const person = {
    id: crypto.randomUUID(),
    username: 'u',
    displayName: 'U',
    isBot: false,
    tgId: 5,
  };
  return {
    id: crypto.randomUUID(),
    update_id: updateId,
    type: 'message',
    payload: JSON.stringify({
      message: {
        id: crypto.randomUUID(),
        number: 3,
        chatId: crypto.randomUUID(),
        chatType: 'private',
        sender: person,
        content,
        createdAt: new Date().toISOString(),
      },
    }),
    created_at: new Date().toISOString(),
  };
}
