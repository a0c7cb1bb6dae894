// Delivers one bot's pending updates to its webhook, oldest first, one at a time: while the
// endpoint is healthy they arrive in update_id order. State lives in Postgres (the inbox's
// acknowledged mark, the webhook's failure count and next attempt time), so a worker killed
// mid-delivery loses nothing: the next drain starts again from the first unacknowledged.
import type { Sql } from '../../infra/db/prisma';
import type { Logger } from '../../infra/logger';
import type { UpdateRow } from '../../domain/updates/updates.service';
import type { WebhooksService } from '../../domain/webhooks/webhooks.service';
import type { SigningKeysService } from '../../domain/webhooks/signing-keys';
import { webhookHeaders } from '../../domain/webhooks/signature';
import { classify, parseRetryAfter, retryDelayMs } from './retry-policy';
import type { SendResult, WebhookSender } from './sender';
import type { HeldLock } from './bot-lock';

/** How each dialect shapes the POSTed update, and what it does with a 2xx reply body. */
export interface DeliveryDialect {
  format(update: UpdateRow, botId: string): unknown;
  /** Telegram-style bots may answer a delivery with a method call; the gateway runs it. */
  onReply?(botId: string, body: string): Promise<void>;
}

interface WebhookRow {
  url: string;
  secret_sealed: Uint8Array;
  secret_token_sealed: Uint8Array | null;
  dialect: string;
  allowed_updates: string[] | null;
  failure_count: number;
  next_attempt_at: Date | null;
  created_at: Date;
  acked: string | null;
}

export interface DrainDeps {
  sql: Sql;
  log: Logger;
  webhooks: WebhooksService;
  keys: SigningKeysService;
  sender: WebhookSender;
  dialects: Record<string, DeliveryDialect>;
  schedule: number[];
  /** Ask for another drain of this bot at `at` (a retry). */
  scheduleRetry(botId: string, at: Date): Promise<void>;
}

const BATCH = 50;

const LOAD_SQL = `
SELECT w.url, w.secret_sealed, w.secret_token_sealed, w.dialect, w.allowed_updates,
       w.failure_count, w.next_attempt_at, w.created_at, i.acked_update_id AS acked
  FROM webhooks w LEFT JOIN bot_inboxes i ON i.bot_id = w.bot_id
 WHERE w.bot_id = $1::uuid`;

const PENDING_SQL = `
SELECT id, update_id, type, payload, created_at FROM updates
 WHERE bot_id = $1::uuid AND update_id > $2::bigint ORDER BY update_id LIMIT ${BATCH}`;

// Record the attempt; on success also acknowledge the update and clear the failure state —
// but only while the same webhook is still set (a removed one hands updates back to polling).
const ATTEMPT_SQL = `
WITH a AS (
  INSERT INTO webhook_attempts (id, bot_id, update_uuid, update_id, attempt, url, status_code,
                                duration_ms, error, response_body, created_at)
  VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3::bigint, $4, $5, $6, $7, $8, $9, now())
), w AS (
  SELECT 1 FROM webhooks WHERE bot_id = $1::uuid AND created_at = $10::timestamptz
), ack AS (
  UPDATE bot_inboxes SET acked_update_id = $3::bigint
   WHERE $11::boolean AND bot_id = $1::uuid AND acked_update_id < $3::bigint AND EXISTS (SELECT 1 FROM w)
)
UPDATE webhooks SET failure_count = $12, next_attempt_at = $13::timestamptz,
       last_error_at = CASE WHEN $14::text IS NULL THEN last_error_at ELSE now() END,
       last_error_message = COALESCE($14::text, last_error_message)
 WHERE bot_id = $1::uuid AND created_at = $10::timestamptz
   AND (failure_count <> $12 OR next_attempt_at IS DISTINCT FROM $13::timestamptz OR $14::text IS NOT NULL)`;

const ACK_SKIPPED_SQL = `
UPDATE bot_inboxes SET acked_update_id = $2::bigint
 WHERE bot_id = $1::uuid AND acked_update_id < $2::bigint
   AND EXISTS (SELECT 1 FROM webhooks WHERE bot_id = $1::uuid AND created_at = $3::timestamptz)`;

const truncate = (s: string | undefined, n: number) => (s && s.length > n ? s.slice(0, n) : s);

function failureText(r: SendResult): string {
  if (r.error) return r.error;
  if (r.status && r.status >= 300 && r.status < 400)
    return `HTTP ${r.status} (redirects are not followed)`;
  return `HTTP ${r.status}`;
}

export class Drainer {
  constructor(private readonly d: DrainDeps) {}

  /**
   * Deliver until nothing is pending, the endpoint fails, the webhook is gone, or the bot's
   * lock is lost (another drainer may hold it now: sending on would deliver twice at once).
   */
  async drain(botId: string, lock: HeldLock): Promise<void> {
    for (;;) {
      const w = await this.load(botId);
      if (!w || (w.next_attempt_at && w.next_attempt_at.getTime() > Date.now())) return;
      const { rows } = await this.d.sql.query<UpdateRow>(PENDING_SQL, [botId, w.acked ?? '0']);
      if (rows.length === 0) return;
      for (const u of rows) {
        if (!(await lock.confirm())) {
          this.d.log.warn({ botId, updateId: u.update_id }, 'drain stopped: webhook lock lost');
          return;
        }
        const keepGoing = await this.deliverOne(botId, w, u);
        if (!keepGoing) return;
        w.failure_count = 0;
      }
    }
  }

  private async load(botId: string): Promise<WebhookRow | undefined> {
    const { rows } = await this.d.sql.query<WebhookRow>(LOAD_SQL, [botId]);
    return rows[0];
  }

  /** Returns whether to go on with the next update. */
  private async deliverOne(botId: string, w: WebhookRow, u: UpdateRow): Promise<boolean> {
    const allowed = w.allowed_updates ?? [];
    if (allowed.length > 0 && !allowed.includes(u.type)) {
      await this.d.sql.query(ACK_SKIPPED_SQL, [botId, u.update_id, w.created_at]);
      return true;
    }
    const dialect = this.d.dialects[w.dialect] ?? this.d.dialects.quanta!;
    const body = JSON.stringify(await dialect.format(u, botId));
    const { secret, secretToken } = this.d.webhooks.unseal({
      secretSealed: w.secret_sealed,
      secretTokenSealed: w.secret_token_sealed,
    });
    const key = await this.d.keys.active();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'QuantaWebhooks/1.0',
      ...webhookHeaders({
        id: u.id,
        timestamp: Math.floor(Date.now() / 1000),
        body,
        secret,
        signingKey: key.signer,
      }),
      ...(secretToken && {
        'x-bot-webhook-secret': secretToken,
        'x-telegram-bot-api-secret-token': secretToken,
      }),
    };
    const r = await this.d.sender.send(w.url, body, headers);
    const failures = w.failure_count + 1;
    const outcome = classify(r.status, failures, this.d.schedule);
    if (outcome === 'delivered') {
      await this.record(botId, w, u, failures, r, { ack: true, failureCount: 0 });
      if (dialect.onReply && r.body) await this.runReply(dialect, botId, r.body);
      return true;
    }
    if (outcome === 'gone') {
      await this.record(botId, w, u, failures, r, { ack: false, failureCount: failures });
      await this.d.webhooks.remove(botId);
      this.d.log.info({ botId }, 'webhook answered 410: removed');
      return false;
    }
    if (outcome === 'give_up') {
      await this.record(botId, w, u, failures, r, { ack: true, failureCount: 0, error: true });
      this.d.log.warn({ botId, updateId: u.update_id }, 'webhook delivery given up');
      return true;
    }
    const delay = retryDelayMs(this.d.schedule, failures, parseRetryAfter(r.retryAfter))!;
    const at = new Date(Date.now() + delay);
    await this.record(botId, w, u, failures, r, {
      ack: false,
      failureCount: failures,
      nextAttemptAt: at,
      error: true,
    });
    await this.d.scheduleRetry(botId, at);
    return false;
  }

  private async record(
    botId: string,
    w: WebhookRow,
    u: UpdateRow,
    attempt: number,
    r: SendResult,
    o: { ack: boolean; failureCount: number; nextAttemptAt?: Date; error?: boolean },
  ): Promise<void> {
    const errorText = o.error || !o.ack ? truncate(failureText(r), 512) : undefined;
    await this.d.sql.query(ATTEMPT_SQL, [
      botId,
      u.id,
      u.update_id,
      attempt,
      w.url,
      r.status ?? null,
      r.durationMs,
      r.error ? truncate(r.error, 512) : null,
      truncate(r.body, 1024) ?? null,
      w.created_at,
      o.ack,
      o.failureCount,
      o.nextAttemptAt ?? null,
      errorText ?? null,
    ]);
  }

  private async runReply(dialect: DeliveryDialect, botId: string, body: string): Promise<void> {
    try {
      await dialect.onReply!(botId, body);
    } catch (err) {
      this.d.log.warn({ botId, err: (err as Error).message }, 'webhook reply method failed');
    }
  }
}
