// The messenger user's event feed: new/edited messages and callback answers, long-polled
// with a cursor (the user's event sequence number).
import { z } from 'zod';
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { longWait } from '../../realtime/long-wait';
import { parse } from '../validation';
import { userChannel } from '../messages/fanout';
import { EventsRepository, type EventRow } from './events.repository';

const feedQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'after must be a cursor from a previous answer')
    .optional(),
  timeout: z.coerce
    .number({ error: 'timeout must be an integer' })
    .int('timeout must be an integer')
    .optional(),
});

export class EventsService {
  private readonly repo: EventsRepository;

  constructor(
    sql: Sql,
    private readonly bus: WakeupBus,
  ) {
    this.repo = new EventsRepository(sql);
  }

  async poll(userId: string, query: unknown, signal: AbortSignal) {
    const q = parse(feedQuery, query);
    const after = BigInt(q.after ?? '0');
    const timeoutS = Math.min(Math.max(q.timeout ?? 30, 0), 50);
    const rows = await longWait<EventRow>({
      bus: this.bus,
      channel: userChannel(userId),
      read: () => this.repo.after(userId, after.toString()),
      timeoutMs: timeoutS * 1000,
      signal,
    });
    const cursor = rows.length ? rows[rows.length - 1]!.seq : after.toString();
    return {
      events: rows.map((r) => ({
        id: String(r.seq),
        type: r.type,
        data: r.payload,
        created_at: r.created_at.toISOString(),
      })),
      cursor,
    };
  }
}
