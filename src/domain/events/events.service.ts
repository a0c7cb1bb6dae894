// The messenger user's event feed: new/edited messages and callback answers, long-polled
// with a cursor (the user's event sequence number).
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { startWait, type WaitSignal, type WaitSink } from '../../realtime/long-wait';
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

  /**
   * Long-polls the user's feed for events after `q.after`; the rows go to `sink` (see
   * `feed`). No promise: a parked feed holds no suspended frame (docs/performance.md).
   */
  park(userId: string, q: FeedQuery, signal: WaitSignal, sink: WaitSink<EventRow>): void {
    const after = cursorOf(q);
    const timeoutS = Math.min(Math.max(q.timeoutS ?? 30, 0), 50);
    const wait = {
      bus: this.bus,
      channel: userChannel(userId),
      read: () => this.repo.after(userId, after),
      timeoutMs: timeoutS * 1000,
      signal,
    };
    startWait(wait, sink);
  }

  /** The rows a wait got, as the feed: its events, and the cursor to read after next. */
  feed(rows: EventRow[], q: FeedQuery): { events: FeedEvent[]; cursor: string } {
    const cursor = rows.length ? rows[rows.length - 1]!.seq : cursorOf(q);
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

/** The query's cursor, normalized (absent: 0). */
const cursorOf = (q: FeedQuery) => BigInt(q.after ?? '0').toString();
