// Delivery attempts are group-committed: attempts recorded while a statement runs share the
// next one; each caller hears of its own row only, and a bad row fails alone.
import { randomUUID } from 'node:crypto';
import { DeliveryRepository, type Attempt } from '../../src/domain/webhooks/delivery.repository';
import { AttemptWriter } from '../../src/worker/webhooks/attempt-writer';
import { useTestPlatform } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';

const t = useTestPlatform();

/** A bot with a webhook set and `n` pending updates. */
async function botWithPending(n: number) {
  const { http: api, platform } = t.current;
  const { user, bot, chatId } = await userBotChat(api);
  await api
    .put('/api/v1/bot/webhook')
    .set(botAuth(bot))
    .send({ url: 'http://127.0.0.1:9/hook' })
    .expect(200);
  for (let i = 0; i < n; i++) await say(api, user, chatId, `m${i}`);
  const repo = new DeliveryRepository(platform.sql);
  const w = (await repo.webhook(bot.id))!;
  const updates = await repo.pending(bot.id, '0');
  return { botId: bot.id, w, updates };
}

type Bot = Awaited<ReturnType<typeof botWithPending>>;

function attempt(b: Bot, i: number, o: Partial<Attempt> = {}): Attempt {
  return {
    botId: b.botId,
    update: b.updates[i]!,
    attempt: 1,
    url: b.w.url,
    statusCode: 200,
    durationMs: 1,
    error: null,
    responseBody: 'ok',
    webhookCreatedAt: b.w.created_at,
    ack: true,
    failureCount: 0,
    nextAttemptAt: null,
    errorMessage: null,
    ...o,
  };
}

async function state(botId: string) {
  const { rows } = await t.current.platform.sql.query<{
    acked: string;
    failure_count: number;
    next_attempt_at: Date | null;
    last_error_message: string | null;
    attempts: string;
  }>(
    `SELECT i.acked_update_id::text AS acked, w.failure_count, w.next_attempt_at,
            w.last_error_message,
            (SELECT count(*) FROM webhook_attempts a WHERE a.bot_id = w.bot_id)::text AS attempts
       FROM webhooks w JOIN bot_inboxes i ON i.bot_id = w.bot_id WHERE w.bot_id = $1`,
    [botId],
  );
  return rows[0]!;
}

describe('recording delivery attempts', () => {
  it('attempts recorded together, or while a statement runs, share one; each is committed when it resolves', async () => {
    const bots = await Promise.all([1, 2, 3, 4].map(() => botWithPending(1)));
    const repo = new DeliveryRepository(t.current.platform.sql);
    const statements: number[] = [];
    const writer = new AttemptWriter({
      record: (batch) => {
        statements.push(batch.length);
        return repo.record(batch);
      },
    });
    await Promise.all(bots.map((b) => writer.record(attempt(b, 0))));
    // Recorded in one turn of the event loop: one statement.
    expect(statements).toEqual([4]);
    // One while a statement runs, two more meanwhile: those two share the next.
    const more = await Promise.all([1, 2, 3].map(() => botWithPending(1)));
    statements.length = 0;
    const first = writer.record(attempt(more[0]!, 0));
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, ...more.slice(1).map((b) => writer.record(attempt(b, 0)))]);
    expect(statements).toEqual([1, 2]);
    for (const b of [...bots, ...more]) {
      expect(await state(b.botId)).toMatchObject({ acked: b.updates[0]!.update_id, attempts: '1' });
    }
  });

  it('one attempt that cannot be recorded fails alone; the others of its batch are committed', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => botWithPending(1)));
    const writer = new AttemptWriter(new DeliveryRepository(t.current.platform.sql));
    const gone = { ...attempt(b!, 0), botId: randomUUID() }; // no such bot: foreign key refuses
    const results = await Promise.allSettled([
      writer.record(attempt(a!, 0)),
      writer.record(attempt(c!, 0)),
      writer.record(gone),
      writer.record({ ...attempt(b!, 0) }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    for (const bot of [a!, b!, c!]) expect(await state(bot.botId)).toMatchObject({ attempts: '1' });
  });

  it('a bot twice in one statement: the highest acknowledgement and the last failure state win', async () => {
    const b = await botWithPending(2);
    const repo = new DeliveryRepository(t.current.platform.sql);
    const retryAt = new Date(Date.now() + 60_000);
    await repo.record([
      attempt(b, 0, {
        ack: false,
        statusCode: 500,
        failureCount: 1,
        nextAttemptAt: retryAt,
        errorMessage: 'HTTP 500',
      }),
      attempt(b, 0, { attempt: 2 }),
    ]);
    expect(await state(b.botId)).toEqual({
      acked: b.updates[0]!.update_id,
      failure_count: 0,
      next_attempt_at: null,
      last_error_message: 'HTTP 500',
      attempts: '2',
    });
    await repo.record([
      attempt(b, 1),
      attempt(b, 0, { ack: false, failureCount: 3, nextAttemptAt: retryAt }),
    ]);
    expect(await state(b.botId)).toMatchObject({
      acked: b.updates[1]!.update_id,
      failure_count: 3,
      next_attempt_at: retryAt,
      attempts: '4',
    });
  });

  it('attempts for a webhook set again since are recorded but acknowledge nothing', async () => {
    const b = await botWithPending(1);
    const repo = new DeliveryRepository(t.current.platform.sql);
    await repo.record([attempt(b, 0, { webhookCreatedAt: new Date(0) })]);
    expect(await state(b.botId)).toMatchObject({ acked: '0', attempts: '1' });
  });
});
