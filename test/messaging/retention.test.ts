import { Queue } from 'bullmq';
import { purgeExpired } from '../../src/worker/retention';
import { startMaintenance, MAINTENANCE_QUEUE } from '../../src/worker/maintenance';
import { bullConnection, bullPrefix } from '../../src/worker/bull';
import { useTestPlatform } from '../support/platform';
import { botAuth, say, userBotChat } from '../support/fixtures';

const t = useTestPlatform();

describe('retention', () => {
  it('deletes updates and feed events older than the window, keeps newer ones', async () => {
    const { http, platform } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    await say(http, user, chatId, 'old');
    await say(http, user, chatId, 'new');
    // Age the first message's update and event by 25 hours.
    await platform.sql.query(
      `UPDATE updates SET created_at = now() - interval '25 hours' WHERE bot_id = $1 AND update_id = 1`,
      [bot.id],
    );
    await platform.sql.query(
      `UPDATE user_events SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND seq = 1`,
      [user.id],
    );
    const purged = await purgeExpired(platform, 24);
    expect(purged.updates).toBeGreaterThanOrEqual(1);
    expect(purged.events).toBeGreaterThanOrEqual(1);
    expect(Object.keys(purged).sort()).toEqual(
      [
        'callbacks',
        'chatActions',
        'droppedPartitions',
        'events',
        'updates',
        'webhookAttempts',
      ].sort(),
    );
    const r = await http
      .get('/api/v1/bot/updates?timeout=0&offset=0')
      .set(botAuth(bot))
      .expect(200);
    expect(r.body.updates.map((u: { payload: { content: string } }) => u.payload.content)).toEqual([
      'new',
    ]);
  });

  it('the worker role schedules the purge with BullMQ', async () => {
    const { platform } = t.current;
    const stop = await startMaintenance(platform);
    const queue = new Queue(MAINTENANCE_QUEUE, {
      connection: bullConnection(platform.config),
      prefix: bullPrefix(platform.config),
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toEqual(
        expect.arrayContaining(['purge-expired', 'create-partitions']),
      );
    } finally {
      await queue.close();
      await stop();
    }
  });
});
