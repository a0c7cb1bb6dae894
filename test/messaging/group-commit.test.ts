// Group commit of sends (Fanout.write of plain messages): concurrent messages share one
// statement, yet each keeps its own outcome, its chat's order, and is answered only once
// it is committed — also when the process dies mid-stream.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { useTestPlatform, createTestEnv } from '../support/platform';
import { botAuth, userBotChat, type TestBot } from '../support/fixtures';
import { call } from '../support/http-call';
import { sleep, startPlatformProcess, type PlatformProcess } from '../support/processes';
import { Fanout, newMessageId, type NewMessage } from '../../src/domain/messages/fanout';
import { registry } from '../../src/infra/metrics';
import supertest from 'supertest';

const t = useTestPlatform();

const fanoutOf = () => {
  const p = t.current.platform;
  return new Fanout(p.sql, p.bus, p.deliveryScheduler, p.log);
};

const plain = (chatId: string, senderId: string, content: string): NewMessage => ({
  id: newMessageId(),
  chatId,
  senderId,
  content,
  payload: {},
  replyToId: null,
  forwardFrom: null,
  createdAt: new Date(),
});

async function batchesWritten(): Promise<number> {
  const m = await registry.getSingleMetric('quanta_fanout_batch_size')!.get();
  const count = m.values.find(
    (v) => (v as { metricName?: string }).metricName === 'quanta_fanout_batch_size_count',
  );
  return count?.value ?? 0;
}

describe('group commit of sends', () => {
  it('keeps the order of one chat: numbers, update ids and event seqs follow submission', async () => {
    const { user, bot, chatId } = await userBotChat(t.current.http);
    const fanout = fanoutOf();
    const before = await batchesWritten();
    // Submitted in one turn of the event loop: one batch, every message of the same chat,
    // every update to the same bot, every event to the same person.
    const sent = [...Array(12)].map((_, i) => plain(chatId, user.id, `m${i}`));
    const numbers = await Promise.all(
      sent.map((m) =>
        fanout.write(
          m,
          // A stand-in record: a kind the log stores whole, so the note is where it was put.
          [{ botId: bot.id, update: { kind: 'poll_answer', note: m.content } as never }],
          [{ userId: user.id, event: { kind: 'message.new', note: m.content } as never }],
        ),
      ),
    );
    expect(numbers).toEqual([...Array(12)].map((_, i) => i + 1));
    expect((await batchesWritten()) - before).toBe(1);

    const sql = t.current.platform.sql;
    const msgs = await sql.query<{ content: string }>(
      'SELECT content FROM messages WHERE chat_id = $1 ORDER BY number',
      [chatId],
    );
    expect(msgs.rows.map((r) => r.content)).toEqual(sent.map((m) => m.content));
    const ups = await sql.query<{ note: string; update_id: string }>(
      `SELECT payload->>'note' AS note, update_id FROM updates WHERE bot_id = $1 ORDER BY update_id`,
      [bot.id],
    );
    const mine = ups.rows.filter((r) => r.note !== null);
    expect(mine.map((r) => r.note)).toEqual(sent.map((m) => m.content));
    const ids = mine.map((r) => Number(r.update_id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    const evs = await sql.query<{ note: string }>(
      `SELECT payload->>'note' AS note FROM user_events
        WHERE user_id = $1 AND payload ? 'note' ORDER BY seq`,
      [user.id],
    );
    expect(evs.rows.map((r) => r.note)).toEqual(sent.map((m) => m.content));
  });

  it('fails a bad message alone: the others of its batch are written and answered', async () => {
    const { user, chatId } = await userBotChat(t.current.http);
    const fanout = fanoutOf();
    const sent = [...Array(5)].map((_, i) => plain(chatId, user.id, `ok${i}`));
    // A sender that does not exist: the batch statement's foreign key check fails.
    sent[2] = plain(chatId, randomUUID(), 'bad');
    const outcomes = await Promise.allSettled(sent.map((m) => fanout.write(m, [], [])));
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    const msgs = await t.current.platform.sql.query<{ content: string }>(
      'SELECT content FROM messages WHERE chat_id = $1 ORDER BY number',
      [chatId],
    );
    expect(msgs.rows.map((r) => r.content)).toEqual(['ok0', 'ok1', 'ok3', 'ok4']);
  });

  it('answers each request of a batch with its own message over HTTP', async () => {
    const { bot, chatId } = await userBotChat(t.current.http);
    const res = await Promise.all(
      [...Array(10)].map((_, i) =>
        t.current.http
          .post('/api/v1/bot/send-message')
          .set(botAuth(bot))
          .send({ chat_id: chatId, content: `c${i}` }),
      ),
    );
    expect(res.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(res.map((r) => r.body.message.content)).toEqual([...Array(10)].map((_, i) => `c${i}`));
    const numbers = res.map((r) => r.body.message_id as string);
    expect(new Set(numbers).size).toBe(10);
  });
});

describe('group commit and a crash', () => {
  let api: PlatformProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  let pool: Pool | undefined;

  afterAll(async () => {
    await api?.kill();
    await pool?.end();
    await drop?.();
  }, 20000);

  it('loses no acknowledged message when the api process is killed mid-stream', async () => {
    const testEnv = await createTestEnv({ MAX_BOTS_PER_OWNER: '100' });
    drop = testEnv.drop;
    api = await startPlatformProcess(testEnv.env, 'api');
    const http = supertest(api.url);
    const pairs: { bot: TestBot; chatId: string }[] = [];
    for (let i = 0; i < 10; i++) pairs.push(await userBotChat(http));

    const acked: string[] = [];
    let stop = false;
    const sender = async ({ bot, chatId }: { bot: TestBot; chatId: string }) => {
      for (let i = 0; !stop; i++) {
        const r = await call(api!.url, 'POST', '/api/v1/bot/send-message', {
          headers: botAuth(bot),
          body: { chat_id: chatId, content: `k${i}` },
          timeoutMs: 5000,
        });
        if (r.status === 200) acked.push(r.body.message.id as string);
        else if (r.status === 0) return; // the process is gone
      }
    };
    // Five senders per chat: batches hold several messages of one chat and of many.
    const running = pairs.flatMap((p) => [...Array(5)].map(() => sender(p)));
    while (acked.length < 300) await sleep(5);
    await api.kill();
    stop = true;
    await Promise.all(running);

    pool = new Pool({ connectionString: testEnv.env.DATABASE_URL });
    const found = await pool.query<{ id: string }>(
      'SELECT id FROM messages WHERE id = ANY($1::uuid[])',
      [acked],
    );
    expect(found.rows.length).toBe(acked.length);
    // Each acknowledged message's event reached its person's feed too.
    const events = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM user_events
        WHERE type = 'message.new' AND (payload->'message'->>'id')::uuid = ANY($1::uuid[])`,
      [acked],
    );
    expect(events.rows[0]!.n).toBe(acked.length);
  }, 90000);
});
