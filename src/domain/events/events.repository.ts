// A messenger user's event feed, read page by page after a cursor.
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';
import { CHAT_ACTION_EVENT } from '../chats/chat-actions.service';

export interface EventRow {
  /** int8 arrives from pg as a string. */
  seq: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

const FEED_PAGE = 100;

// Chat actions ("typing…") are only true for a few seconds: once expired they are skipped,
// so a client reconnecting later is not shown a stale one.
const feed = statement<{ user_id: string; after: string }, EventRow>(
  'events-feed',
  `
SELECT seq, type, payload, created_at FROM user_events
 WHERE user_id = :user_id::uuid AND seq > :after::bigint
   AND NOT (type = '${CHAT_ACTION_EVENT}' AND (payload->>'expiresAt')::timestamptz <= now())
 ORDER BY seq LIMIT ${FEED_PAGE}`,
);

export class EventsRepository {
  constructor(private readonly sql: Sql) {}

  /** The next page of the user's events after `after` (a sequence number, as text). */
  after(userId: string, after: string): Promise<EventRow[]> {
    return feed.run(this.sql, { user_id: userId, after });
  }
}
