// Webhook delivery state, as the worker's drainer reads and records it: the webhook with the
// bot's acknowledged mark, the updates still pending, and one row per attempt.
import type { Sql } from '../../infra/db/prisma';
import { isoUtc } from '../../infra/db/iso-utc';
import { statement } from '../../infra/db/statement';
import type { UpdateRow } from '../updates/update-row';

export interface WebhookRow {
  url: string;
  secret_sealed: Uint8Array;
  secret_token_sealed: Uint8Array | null;
  dialect: string;
  allowed_updates: string[] | null;
  failure_count: number;
  next_attempt_at: Date | null;
  /** Tells one setting of the webhook from the next (a re-set one is another webhook). */
  created_at: Date;
  /** int8 as text; null before the bot's first update. */
  acked: string | null;
}

export interface Attempt {
  botId: string;
  update: Pick<UpdateRow, 'id' | 'update_id'>;
  attempt: number;
  url: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  webhookCreatedAt: Date;
  /** Delivered (or given up): acknowledge the update. */
  ack: boolean;
  failureCount: number;
  nextAttemptAt: Date | null;
  /** Recorded as the webhook's last error; null leaves the last one as it was. */
  errorMessage: string | null;
}

const BATCH = 50;

const load = statement<{ bot_id: string }, WebhookRow>(
  'webhook-load',
  `
SELECT w.url, w.secret_sealed, w.secret_token_sealed, w.dialect, w.allowed_updates,
       w.failure_count, w.next_attempt_at, w.created_at, i.acked_update_id AS acked
  FROM webhooks w LEFT JOIN bot_inboxes i ON i.bot_id = w.bot_id
 WHERE w.bot_id = :bot_id::uuid`,
);

const pending = statement<{ bot_id: string; after: string }, UpdateRow>(
  'webhook-pending',
  `
SELECT id, update_id, type, payload::text AS payload, ${isoUtc('created_at')} AS created_at
  FROM updates
 WHERE bot_id = :bot_id::uuid AND update_id > :after::bigint ORDER BY update_id LIMIT ${BATCH}`,
);

// Record attempts, many bots' at once (a group commit of the worker's concurrent drains), as
// one row each; acknowledge the delivered updates and set each webhook's failure state — but
// only while the same webhook is still set (a removed one hands updates back to polling).
// Should a bot appear twice, its rows apply in order: the highest acknowledged update and the
// last failure state win, as they would one statement at a time. Inbox rows are locked in
// bot_id order, as the fan-out locks them, so the two never wait for each other in a cycle.
const attempts = statement<{
  bot_id: string[];
  update_uuid: string[];
  update_id: string[];
  attempt: number[];
  url: string[];
  status_code: (number | null)[];
  duration_ms: number[];
  error: (string | null)[];
  response_body: (string | null)[];
  webhook_created_at: Date[];
  ack: boolean[];
  failure_count: number[];
  next_attempt_at: (Date | null)[];
  error_message: (string | null)[];
}>(
  'webhook-attempts',
  `
WITH v AS (
  SELECT * FROM unnest(:bot_id::uuid[], :update_uuid::uuid[], :update_id::bigint[], :attempt::int[],
                       :url::text[], :status_code::int[], :duration_ms::int[], :error::text[],
                       :response_body::text[], :webhook_created_at::timestamptz[], :ack::boolean[],
                       :failure_count::int[], :next_attempt_at::timestamptz[], :error_message::text[])
    WITH ORDINALITY AS v(bot_id, update_uuid, update_id, attempt, url, status_code, duration_ms,
                         error, response_body, webhook_created_at, ack, failure_count,
                         next_attempt_at, error_message, n)
), a AS (
  INSERT INTO webhook_attempts (id, bot_id, update_uuid, update_id, attempt, url, status_code,
                                duration_ms, error, response_body, created_at)
  SELECT gen_random_uuid(), bot_id, update_uuid, update_id, attempt, url, status_code,
         duration_ms, error, response_body, now() FROM v ORDER BY n
), same AS (
  SELECT v.* FROM v JOIN webhooks w ON w.bot_id = v.bot_id AND w.created_at = v.webhook_created_at
), acks AS (
  SELECT bot_id, max(update_id) AS update_id FROM same WHERE ack GROUP BY bot_id
), locked AS (
  SELECT i.bot_id, a.update_id FROM bot_inboxes i JOIN acks a USING (bot_id)
   WHERE i.acked_update_id < a.update_id ORDER BY i.bot_id FOR UPDATE OF i
), ack AS (
  UPDATE bot_inboxes i SET acked_update_id = l.update_id FROM locked l
   WHERE i.bot_id = l.bot_id AND i.acked_update_id < l.update_id
), state AS (
  SELECT DISTINCT ON (bot_id) bot_id, webhook_created_at, failure_count, next_attempt_at,
         (SELECT s.error_message FROM same s WHERE s.bot_id = same.bot_id AND s.error_message IS NOT NULL
           ORDER BY s.n DESC LIMIT 1) AS error_message
    FROM same ORDER BY bot_id, n DESC
)
UPDATE webhooks w SET failure_count = s.failure_count, next_attempt_at = s.next_attempt_at,
       last_error_at = CASE WHEN s.error_message IS NULL THEN w.last_error_at ELSE now() END,
       last_error_message = COALESCE(s.error_message, w.last_error_message)
  FROM state s
 WHERE w.bot_id = s.bot_id AND w.created_at = s.webhook_created_at
   AND (w.failure_count <> s.failure_count OR w.next_attempt_at IS DISTINCT FROM s.next_attempt_at
        OR s.error_message IS NOT NULL)`,
);

const ackSkipped = statement<{ bot_id: string; update_id: string; webhook_created_at: Date }>(
  'webhook-ack-skipped',
  `
UPDATE bot_inboxes SET acked_update_id = :update_id::bigint
 WHERE bot_id = :bot_id::uuid AND acked_update_id < :update_id::bigint
   AND EXISTS (SELECT 1 FROM webhooks
                WHERE bot_id = :bot_id::uuid AND created_at = :webhook_created_at::timestamptz)`,
);

const due = statement<Record<string, never>, { bot_id: string }>(
  'webhook-sweep',
  `
SELECT w.bot_id FROM webhooks w JOIN bot_inboxes i ON i.bot_id = w.bot_id
 WHERE i.last_update_id > i.acked_update_id AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= now())`,
);

export class DeliveryRepository {
  constructor(private readonly sql: Sql) {}

  webhook(botId: string): Promise<WebhookRow | undefined> {
    return load.first(this.sql, { bot_id: botId });
  }

  /** The next updates after `after` (a mark, as text), oldest first. */
  pending(botId: string, after: string): Promise<UpdateRow[]> {
    return pending.run(this.sql, { bot_id: botId, after });
  }

  /** Records the attempts in one statement: all of them, or (on an error) none. */
  async record(batch: readonly Attempt[]): Promise<void> {
    await attempts.run(this.sql, {
      bot_id: batch.map((a) => a.botId),
      update_uuid: batch.map((a) => a.update.id),
      update_id: batch.map((a) => a.update.update_id),
      attempt: batch.map((a) => a.attempt),
      url: batch.map((a) => a.url),
      status_code: batch.map((a) => a.statusCode),
      duration_ms: batch.map((a) => a.durationMs),
      error: batch.map((a) => a.error),
      response_body: batch.map((a) => a.responseBody),
      webhook_created_at: batch.map((a) => a.webhookCreatedAt),
      ack: batch.map((a) => a.ack),
      failure_count: batch.map((a) => a.failureCount),
      next_attempt_at: batch.map((a) => a.nextAttemptAt),
      error_message: batch.map((a) => a.errorMessage),
    });
  }

  /** An update the webhook does not want: acknowledged unsent (same webhook only). */
  async ackSkipped(botId: string, updateId: string, webhookCreatedAt: Date): Promise<void> {
    await ackSkipped.run(this.sql, {
      bot_id: botId,
      update_id: updateId,
      webhook_created_at: webhookCreatedAt,
    });
  }

  /** Bots with pending updates whose webhook is not waiting for a retry. */
  async due(): Promise<string[]> {
    return (await due.run(this.sql, {})).map((r) => r.bot_id);
  }
}
