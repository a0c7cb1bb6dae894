// The update log and the event feed are partitioned by created_at: the worker creates
// partitions ahead (moving rows the default partition took for them), and retention drops a
// partition only once every row it can hold is past the window. Real Postgres, real clock
// for the writes; the maintenance functions take the time they act at.
import { CHAT_ACTION_EVENT } from '../../src/domain/chats/chat-actions.service';
import {
  createAhead,
  listPartitions,
  missingRanges,
  partitionHours,
  partitionName,
  PARTITIONED_TABLES,
} from '../../src/worker/partitions';
import { createPartitionsAhead } from '../../src/worker/maintenance';
import { purgeExpired } from '../../src/worker/retention';
import { useTestPlatform } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';

const t = useTestPlatform();
const HOUR = 3_600_000;
const RETENTION_HOURS = 24;
const WIDTH_HOURS = partitionHours(RETENTION_HOURS);
const WIDTH = WIDTH_HOURS * HOUR;
const slotOf = (ms: number) => Math.floor(ms / WIDTH) * WIDTH;

/** Where each of the bot's updates is stored, by update_id. */
async function updateHomes(botId: string): Promise<Record<string, string>> {
  const { rows } = await t.current.platform.sql.query<{ update_id: string; home: string }>(
    `SELECT update_id, tableoid::regclass::text AS home FROM updates WHERE bot_id = $1`,
    [botId],
  );
  return Object.fromEntries(rows.map((r) => [r.update_id, r.home]));
}

async function ageUpdate(botId: string, updateId: number, at: Date) {
  await t.current.platform.sql.query(
    `UPDATE updates SET created_at = $3 WHERE bot_id = $1 AND update_id = $2`,
    [botId, updateId, at],
  );
}

async function ageEvent(userId: string, seq: number, at: Date) {
  await t.current.platform.sql.query(
    `UPDATE user_events SET created_at = $3 WHERE user_id = $1 AND seq = $2`,
    [userId, seq, at],
  );
}

async function contents(apiKey: string): Promise<string[]> {
  const r = await t.current.http
    .get('/api/v1/bot/updates?timeout=0&offset=0')
    .set(botAuth({ apiKey }))
    .expect(200);
  return r.body.updates.map((u: { payload: { content: string } }) => u.payload.content);
}

describe('partitioned update log and event feed', () => {
  it('partitions are a quarter of the window, a divisor of a day', () => {
    expect([1, 4, 8, 24, 48, 168, 720].map(partitionHours)).toEqual([1, 1, 2, 6, 12, 24, 24]);
  });

  it('fills only what no partition covers, whatever width made the existing ones', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 30, h));
    const part = (name: string, from: Date | null, to: Date | null) => ({
      name,
      from,
      to,
      isDefault: false,
    });
    const existing = [
      // The migration's open-ended partition, then one made when the window was 8 h (2 h slots).
      part('updates_legacy', null, new Date(at(1).getTime() + 1234)),
      part('updates_p20261130_0400', at(4), at(6)),
      { name: 'updates_default', from: null, to: null, isDefault: true },
    ];
    const missing = missingRanges(existing, at(0), at(18), 6 * HOUR).map(
      (r) => `${r.from.toISOString().slice(11, 23)}-${r.to.toISOString().slice(11, 16)}`,
    );
    expect(missing).toEqual(['01:00:01.234-04:00', '06:00:00.000-12:00', '12:00:00.000-18:00']);
  });

  it('a write with no partition for it lands in the default; creating ahead moves it out', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    // A fresh database has only the default partitions (the migration makes no others).
    for (const table of PARTITIONED_TABLES) {
      expect((await listPartitions(platform.sql, table)).map((p) => p.name)).toEqual([
        `${table}_default`,
      ]);
    }
    await say(http, user, chatId, 'early');
    expect(await updateHomes(bot.id)).toEqual({ '1': 'updates_default' });

    const created = await createPartitionsAhead(platform);
    const current = slotOf(Date.now());
    const expected = (table: string) =>
      [0, 1, 2].map((i) => partitionName(table as 'updates', new Date(current + i * WIDTH)));
    expect(created).toEqual([...expected('updates'), ...expected('user_events')]);
    expect(await createPartitionsAhead(platform)).toEqual([]);

    await say(http, user, chatId, 'later');
    const here = expected('updates')[0];
    expect(await updateHomes(bot.id)).toEqual({ '1': here, '2': here });
    const { rows } = await platform.sql.query<{ home: string }>(
      `SELECT DISTINCT tableoid::regclass::text AS home FROM user_events WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ home: expected('user_events')[0] }]);
    expect(await contents(bot.apiKey)).toEqual(['early', 'later']);
  });

  it('drops a partition only when every row it can hold is past retention', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    for (const text of ['gone', 'straddling', 'default-old', 'default-new', 'now']) {
      await say(http, user, chatId, text);
    }
    const now = Date.now();
    const cutoff = now - RETENTION_HOURS * HOUR;
    // Three partitions from 36 hours back: the first two end before the cutoff, the third
    // holds it.
    const first = slotOf(now - 36 * HOUR);
    const straddling = slotOf(cutoff);
    expect(straddling).toBe(first + 2 * WIDTH);
    for (const table of PARTITIONED_TABLES) {
      await createAhead(platform.sql, table, WIDTH_HOURS, new Date(now - 36 * HOUR));
    }
    await ageUpdate(bot.id, 1, new Date(first + WIDTH + 1000));
    await ageEvent(user.id, 1, new Date(first + WIDTH + 1000));
    // Older than the window, but its partition holds newer rows too: it stays, whole.
    await ageUpdate(bot.id, 2, new Date(straddling));
    await ageEvent(user.id, 2, new Date(straddling));
    // Before any partition: the default partition's rows expire one by one.
    await ageUpdate(bot.id, 3, new Date(first - HOUR));
    await ageEvent(user.id, 3, new Date(first - HOUR));
    await ageUpdate(bot.id, 4, new Date(now - 23 * HOUR));
    expect(await updateHomes(bot.id)).toMatchObject({
      '1': partitionName('updates', new Date(first + WIDTH)),
      '2': partitionName('updates', new Date(straddling)),
      '3': 'updates_default',
    });

    const purged = await purgeExpired(platform, RETENTION_HOURS, new Date(now));
    const droppedOf = (table: 'updates' | 'user_events') => [
      partitionName(table, new Date(first)),
      partitionName(table, new Date(first + WIDTH)),
    ];
    expect(purged.droppedPartitions).toEqual([
      ...droppedOf('updates'),
      ...droppedOf('user_events'),
    ]);
    expect(purged.updates).toBe(1);
    expect(purged.events).toBe(1);
    expect(await contents(bot.apiKey)).toEqual(['straddling', 'default-new', 'now']);
    const names = (await listPartitions(platform.sql, 'updates')).map((p) => p.name);
    expect(names).toContain(partitionName('updates', new Date(straddling)));
    expect(names).not.toContain(partitionName('updates', new Date(first)));

    // Once the straddling partition's end is past the window, it goes too.
    const later = new Date(straddling + WIDTH + RETENTION_HOURS * HOUR);
    const next = await purgeExpired(platform, RETENTION_HOURS, later);
    expect(next.droppedPartitions).toEqual([
      partitionName('updates', new Date(straddling)),
      partitionName('user_events', new Date(straddling)),
    ]);
    const left = await contents(bot.apiKey);
    expect(left).not.toContain('straddling');
    expect(left).toContain('now');
  });

  it('chat actions still go a minute after they were sent, from whatever partition', async () => {
    const { http, platform } = t.current;
    const { user } = await userBotChat(http);
    await createPartitionsAhead(platform);
    await platform.sql.query(
      `INSERT INTO user_events (user_id, seq, type, payload, created_at)
       VALUES ($1, 100, $2, '{}', now() - interval '2 minutes'), ($1, 101, $2, '{}', now())`,
      [user.id, CHAT_ACTION_EVENT],
    );
    const purged = await purgeExpired(platform, RETENTION_HOURS);
    expect(purged.chatActions).toBeGreaterThanOrEqual(1);
    const { rows } = await platform.sql.query<{ seq: string }>(
      `SELECT seq FROM user_events WHERE user_id = $1 AND type = $2`,
      [user.id, CHAT_ACTION_EVENT],
    );
    expect(rows).toEqual([{ seq: '101' }]);
  });
});
