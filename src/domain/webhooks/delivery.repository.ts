// Webhook delivery state, as the worker's drainer reads and records it: the webhook with the
// bot's acknowledged mark, the updates still pending, and one row per attempt.
import type { Sql } from '../../infra/db/prisma';
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
SELECT id, update_id, type, payload::text AS payload, created_at FROM updates
 WHERE bot_id = :bot_id::uuid AND update_id > :after::bigint ORDER BY update_id LIMIT ${BATCH}`,
);

// Record the attempt; on success also acknowledge the update and clear the failure state —
// but only while the same webhook is still set (a removed one hands updates back to polling).
const attempt = statement<{
  bot_id: string;
  update_uuid: string;
  update_id: string;
  attempt: number;
  url: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  webhook_created_at: Date;
  ack: boolean;
  failure_count: number;
  next_attempt_at: Date | null;
  error_message: string | null;
}>(
  'webhook-attempt',
  `
WITH a AS (
  INSERT INTO webhook_attempts (id, bot_id, update_uuid, update_id, attempt, url, status_code,
                                duration_ms, error, response_body, created_at)
  VALUES (gen_random_uuid(), :bot_id::uuid, :update_uuid::uuid, :update_id::bigint, :attempt, :url,
          :status_code, :duration_ms, :error, :response_body, now())
), w AS (
  SELECT 1 FROM webhooks WHERE bot_id = :bot_id::uuid AND created_at = :webhook_created_at::timestamptz
), ack AS (
  UPDATE bot_inboxes SET acked_update_id = :update_id::bigint
   WHERE :ack::boolean AND bot_id = :bot_id::uuid AND acked_update_id < :update_id::bigint
     AND EXISTS (SELECT 1 FROM w)
)
UPDATE webhooks SET failure_count = :failure_count, next_attempt_at = :next_attempt_at::timestamptz,
       last_error_at = CASE WHEN :error_message::text IS NULL THEN last_error_at ELSE now() END,
       last_error_message = COALESCE(:error_message::text, last_error_message)
 WHERE bot_id = :bot_id::uuid AND created_at = :webhook_created_at::timestamptz
   AND (failure_count <> :failure_count OR next_attempt_at IS DISTINCT FROM :next_attempt_at::timestamptz
        OR :error_message::text IS NOT NULL)`,
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

  async record(a: Attempt): Promise<void> {
    await attempt.run(this.sql, {
      bot_id: a.botId,
      update_uuid: a.update.id,
      update_id: a.update.update_id,
      attempt: a.attempt,
      url: a.url,
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      response_body: a.responseBody,
      webhook_created_at: a.webhookCreatedAt,
      ack: a.ack,
      failure_count: a.failureCount,
      next_attempt_at: a.nextAttemptAt,
      error_message: a.errorMessage,
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
