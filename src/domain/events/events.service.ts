// The messenger user's event feed: new/edited messages and callback answers, long-polled
// with a cursor (the user's event sequence number).
import { z } from 'zod';
import type { Sql } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { longWait } from '../../realtime/long-wait';
import { parse } from '../validation';
import { userChannel } from '../messages/fanout';
import { CHAT_ACTION_EVENT } from '../chats/chat-actions.service';

interface EventRow {
  /** int8 arrives from pg as a string. */
  seq: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

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

const PAGE = 100;

// Chat actions ("typing…") are only true for a few seconds: once expired they are skipped,
// so a client reconnecting later is not shown a stale one.
const FEED_SQL = `
SELECT seq, type, payload, created_at FROM user_events
 WHERE user_id = $1::uuid AND seq > $2::bigint
   AND NOT (type = '${CHAT_ACTION_EVENT}' AND (payload->>'expires_at')::timestamptz <= now())
 ORDER BY seq LIMIT ${PAGE}`;

export class EventsService {
  constructor(
    private readonly sql: Sql,
    private readonly bus: WakeupBus,
  ) {}

  async poll(userId: string, query: unknown, signal: AbortSignal) {
    const q = parse(feedQuery, query);
    const after = BigInt(q.after ?? '0');
    const timeoutS = Math.min(Math.max(q.timeout ?? 30, 0), 50);
    const rows = await longWait<EventRow>({
      bus: this.bus,
      channel: userChannel(userId),
      read: async () => (await this.sql.query<EventRow>(FEED_SQL, [userId, after.toString()])).rows,
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
