// The messenger user's event feed: new/edited messages and callback answers, long-polled
// with a cursor (the user's event sequence number).
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { longWait, type WaitSignal } from '../../realtime/long-wait';
import { reviveDates } from '../stored-json';
import { userChannel } from '../messages/fanout';
import { EventsRepository, type EventRow } from './events.repository';
import type { FeedEvent } from './event';

export interface FeedQuery {
  /** The cursor of a previous answer: events after it. */
  after?: string;
  timeoutS?: number;
}

export class EventsService {
  private readonly repo: EventsRepository;

  constructor(
    sql: Sql,
    private readonly bus: WakeupBus,
  ) {
    this.repo = new EventsRepository(sql);
  }

  async poll(
    userId: string,
    q: FeedQuery,
    signal: WaitSignal,
  ): Promise<{ events: FeedEvent[]; cursor: string }> {
    const after = BigInt(q.after ?? '0');
    const timeoutS = Math.min(Math.max(q.timeoutS ?? 30, 0), 50);
    const rows = await longWait<EventRow>({
      bus: this.bus,
      channel: userChannel(userId),
      read: () => this.repo.after(userId, after.toString()),
      timeoutMs: timeoutS * 1000,
      signal,
    });
    const cursor = rows.length ? rows[rows.length - 1]!.seq : after.toString();
    return {
      events: rows.map(
        (r): FeedEvent =>
          ({
            ...reviveDates<Omit<FeedEvent, 'kind' | 'seq' | 'createdAt'>>(r.payload),
            kind: r.type,
            seq: r.seq,
            createdAt: r.created_at,
          }) as FeedEvent,
      ),
      cursor,
    };
  }
}
