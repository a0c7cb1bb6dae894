// Delivers one bot's pending updates to its webhook, oldest first, one at a time: while the
// endpoint is healthy they arrive in update_id order. State lives in Postgres (the inbox's
// acknowledged mark, the webhook's failure count and next attempt time), so a worker killed
// mid-delivery loses nothing: the next drain starts again from the first unacknowledged.
import { carriesBox } from '../../domain/e2e/reader-boxes';
import type { Sql } from '../../infra/db/prisma';
import type { Logger } from '../../infra/logger';
import type { Update } from '../../domain/updates/update';
import { updateFromRow, type UpdateRow } from '../../domain/updates/update-row';
import type { WebhooksService } from '../../domain/webhooks/webhooks.service';
import type { SigningKeysService } from '../../domain/webhooks/signing-keys';
import { DeliveryRepository, type WebhookRow } from '../../domain/webhooks/delivery.repository';
import { webhookHeaders } from '../../domain/webhooks/signature';
import { classify, parseRetryAfter, retryDelayMs, type Outcome } from './retry-policy';
import { webhookDeliveries, webhookDeliveryDuration } from '../../infra/metrics';
import type { SendResult, WebhookSender } from './sender';
import type { HeldLock } from './bot-lock';
import { AttemptWriter } from './attempt-writer';

/** How each dialect shapes the POSTed update, and what it does with a 2xx reply body. */
export interface DeliveryDialect {
  format(update: Update, botId: string): unknown;
  /** Telegram-style bots may answer a delivery with a method call; the gateway runs it. */
  onReply?(botId: string, body: string): Promise<void>;
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

/** Waits for the records started so far; rejects with the first that failed. */
async function recorded(recording: Promise<void>[]): Promise<void> {
  if (recording.length > 0) await Promise.all(recording.splice(0));
}

const truncate = (s: string | undefined, n: number) => (s && s.length > n ? s.slice(0, n) : s);

function failureText(r: SendResult): string {
  if (r.error) return r.error;
  if (r.status && r.status >= 300 && r.status < 400)
    return `HTTP ${r.status} (redirects are not followed)`;
  return `HTTP ${r.status}`;
}

/** Attempts by outcome; `retry` is a failure with another attempt to come. */
const deliveries: Record<Outcome, { inc(): void }> = {
  delivered: webhookDeliveries.labels('delivered'),
  gone: webhookDeliveries.labels('gone'),
  give_up: webhookDeliveries.labels('given_up'),
  retry: webhookDeliveries.labels('retry'),
};

/** The webhook's secrets, opened once per read of the webhook rather than per delivery. */
interface Secrets {
  secret: Uint8Array;
  secretToken: string | undefined;
}

export class Drainer {
  private readonly repo: DeliveryRepository;
  private readonly attempts: AttemptWriter;

  constructor(private readonly d: DrainDeps) {
    this.repo = new DeliveryRepository(d.sql);
    this.attempts = new AttemptWriter(this.repo);
  }

  /**
   * Deliver until nothing is pending, the endpoint fails, the webhook is gone, or the bot's
   * lock is lost (another drainer may hold it now: sending on would deliver twice at once).
   * The lock is confirmed before every send, the confirmation asked for as soon as the previous
   * send ended (the first: as the drain starts). A delivered update's attempt is recorded while
   * the next one is sent; every other step waits until those records are committed, and so
   * does the drain's end.
   */
  async drain(botId: string, lock: HeldLock): Promise<void> {
    const recording: Promise<void>[] = [];
    try {
      await this.deliverPending(botId, lock, recording);
    } finally {
      await recorded(recording);
    }
  }

  private async deliverPending(
    botId: string,
    lock: HeldLock,
    recording: Promise<void>[],
  ): Promise<void> {
    let ours = lock.confirm();
    for (;;) {
      await recorded(recording);
      const w = await this.repo.webhook(botId);
      if (!w || (w.next_attempt_at && w.next_attempt_at.getTime() > Date.now())) return;
      const rows = await this.repo.pending(botId, w.acked ?? '0');
      if (rows.length === 0) return;
      const secrets = this.d.webhooks.unseal({
        secretSealed: w.secret_sealed,
        secretTokenSealed: w.secret_token_sealed,
      });
      for (const u of rows) {
        if (!(await ours)) {
          this.d.log.warn({ botId, updateId: u.update_id }, 'drain stopped: webhook lock lost');
          return;
        }
        const allowed = w.allowed_updates ?? [];
        if (allowed.length > 0 && !allowed.includes(u.type)) {
          await recorded(recording);
          await this.repo.ackSkipped(botId, u.update_id, w.created_at);
          continue;
        }
        const keepGoing = await this.deliverOne(botId, w, secrets, u, recording, () => {
          ours = lock.confirm();
        });
        if (!keepGoing) return;
        w.failure_count = 0;
      }
    }
  }

  /**
   * Returns whether to go on with the next update; `sent` runs as soon as the reply is in. A
   * delivery's record joins `recording`; any other outcome's waits for those before it.
   */
  private async deliverOne(
    botId: string,
    w: WebhookRow,
    { secret, secretToken }: Secrets,
    u: UpdateRow,
    recording: Promise<void>[],
    sent: () => void,
  ): Promise<boolean> {
    const dialect = this.d.dialects[w.dialect] ?? this.d.dialects.quanta!;
    const update = updateFromRow(u);
    const body = JSON.stringify(await dialect.format(update, botId));
    // The reply to an opened box may quote it or carry a method call with the bot's text.
    const keepReply = !carriesBox(update);
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
    sent();
    const failures = w.failure_count + 1;
    const outcome = classify(r.status, failures, this.d.schedule);
    webhookDeliveryDuration.observe(r.durationMs / 1000);
    deliveries[outcome].inc();
    if (outcome === 'delivered') {
      const record = this.record(botId, w, u, failures, r, {
        ack: true,
        failureCount: 0,
        keepReply,
      });
      // Awaited in turn by recorded(); this only keeps it from counting as unhandled meanwhile.
      record.catch(() => {});
      recording.push(record);
      if (dialect.onReply && r.body) {
        await recorded(recording);
        await this.runReply(dialect, botId, r.body);
      }
      return true;
    }
    await recorded(recording);
    if (outcome === 'gone') {
      await this.record(botId, w, u, failures, r, {
        ack: false,
        failureCount: failures,
        keepReply,
      });
      await this.d.webhooks.remove(botId);
      this.d.log.info({ botId }, 'webhook answered 410: removed');
      return false;
    }
    if (outcome === 'give_up') {
      await this.record(botId, w, u, failures, r, {
        ack: true,
        failureCount: 0,
        error: true,
        keepReply,
      });
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
      keepReply,
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
    o: {
      ack: boolean;
      failureCount: number;
      nextAttemptAt?: Date;
      error?: boolean;
      /** False when the update carried a box: its reply body is not stored. */
      keepReply: boolean;
    },
  ): Promise<void> {
    const errorText = o.error || !o.ack ? truncate(failureText(r), 512) : undefined;
    await this.attempts.record({
      botId,
      update: u,
      attempt,
      url: w.url,
      statusCode: r.status ?? null,
      durationMs: r.durationMs,
      error: r.error ? truncate(r.error, 512)! : null,
      responseBody: o.keepReply ? (truncate(r.body, 1024) ?? null) : null,
      webhookCreatedAt: w.created_at,
      ack: o.ack,
      failureCount: o.failureCount,
      nextAttemptAt: o.nextAttemptAt ?? null,
      errorMessage: errorText ?? null,
    });
  }

  private async runReply(dialect: DeliveryDialect, botId: string, body: string): Promise<void> {
    try {
      await dialect.onReply!(botId, body);
    } catch (err) {
      this.d.log.warn({ botId, err: (err as Error).message }, 'webhook reply method failed');
    }
  }
}
