// Setting, removing and inspecting a bot's webhook. Delivery itself is the worker's
// (src/worker/webhooks/); this side decides what is stored and tells the worker to start.
import type { Db } from '../../infra/db/prisma';
import type { Webhook, WebhookAttempt } from '../../generated/prisma/client';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { openSecret, sealSecret } from '../crypto/secret-box';
import { invalid } from '../errors';
import { botChannel } from '../messages/fanout';
import type { UpdatesService } from '../updates/updates.service';
import { generateWebhookSecret, webhookKey } from './signature';
import { checkWebhookUrl } from './ssrf';
import type { SetWebhookCommand } from './webhooks.schemas';

/** Starts (or resumes) delivery for bots; implemented over the BullMQ queue. */
export interface DeliveryScheduler {
  /** Queue a drain of each bot's pending updates (one job per new update, when given). */
  scheduleDelivery(bots: { botId: string; updateId?: string }[]): Promise<void>;
}

export interface WebhookPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
  masterKey: Uint8Array;
}

/** The shape updates are POSTed in: Quanta's, or a Telegram Update (set from the gateway). */
export type WebhookDialect = 'quanta' | 'gateway';

/** A bot's webhook as the bot may see it: the secrets stay sealed in the row. */
export interface WebhookRecord {
  url: string;
  dialect: WebhookDialect;
  maxConnections: number;
  /** Update-log types; empty means all. */
  allowedUpdates: string[];
  lastErrorAt: Date | null;
  lastErrorMessage: string | null;
  createdAt: Date;
}

export interface WebhookStatus {
  /** Null when no webhook is set (updates wait for long polling). */
  webhook: WebhookRecord | null;
  pendingUpdateCount: number;
}

export interface WebhookSetResult {
  webhook: WebhookRecord;
  /** The signing secret, only when generated here: it is shown this once. */
  generatedSecret?: string;
}

const toRecord = (w: Webhook): WebhookRecord => ({
  url: w.url,
  dialect: w.dialect === 'gateway' ? 'gateway' : 'quanta',
  maxConnections: w.maxConnections,
  allowedUpdates: w.allowedUpdates,
  lastErrorAt: w.lastErrorAt,
  lastErrorMessage: w.lastErrorMessage,
  createdAt: w.createdAt,
});

export class WebhooksService {
  constructor(
    private readonly db: Db,
    private readonly bus: WakeupBus,
    private readonly updates: UpdatesService,
    private readonly delivery: DeliveryScheduler,
    private readonly policy: WebhookPolicy,
  ) {}

  /** Stores the webhook (replacing any), ends long polling for the bot, starts delivery. */
  async set(
    botId: string,
    body: SetWebhookCommand,
    dialect: WebhookDialect,
  ): Promise<WebhookSetResult> {
    const problem = checkWebhookUrl(body.url, this.policy);
    if (problem) throw invalid('url', problem);
    const secret = body.secret ?? generateWebhookSecret();
    const key = webhookKey(secret);
    if (!key) {
      throw invalid(
        'secret',
        'must be 16-256 characters, or whsec_ followed by base64 of 24-64 random bytes',
      );
    }
    const data = {
      url: body.url,
      secretSealed: new Uint8Array(sealSecret(this.policy.masterKey, key)),
      secretTokenSealed: body.secret_token
        ? new Uint8Array(sealSecret(this.policy.masterKey, body.secret_token))
        : null,
      dialect,
      maxConnections: body.max_connections ?? 40,
      allowedUpdates: body.allowed_updates ?? [],
      failureCount: 0,
      nextAttemptAt: null,
      createdAt: new Date(),
    };
    const row = await this.db.webhook.upsert({
      where: { botId },
      create: { botId, ...data },
      update: data,
    });
    if (body.drop_pending_updates) await this.updates.dropPending(botId);
    // End any parked long-poll for this bot: delivery is exclusive.
    await this.bus.publish([[botChannel(botId), 'takeover:webhook']]);
    await this.delivery.scheduleDelivery([{ botId }]);
    return {
      webhook: toRecord(row),
      ...(body.secret === undefined && { generatedSecret: secret }),
    };
  }

  async remove(botId: string, dropPending = false): Promise<void> {
    await this.db.webhook.deleteMany({ where: { botId } });
    // Everything pending is acknowledged: it will not be delivered by either path.
    if (dropPending) await this.updates.dropPending(botId);
  }

  async info(botId: string): Promise<WebhookStatus> {
    const w = await this.db.webhook.findUnique({ where: { botId } });
    const pendingUpdateCount = await this.updates.pendingCount(botId);
    return { webhook: w && toRecord(w), pendingUpdateCount };
  }

  /** The latest delivery attempts, newest first; `limit` is held to 1–200. */
  async attempts(botId: string, limit = 50): Promise<WebhookAttempt[]> {
    return this.db.webhookAttempt.findMany({
      where: { botId },
      orderBy: { createdAt: 'desc' },
      take: Math.min(Math.max(limit, 1), 200),
    });
  }

  /** The decrypted secrets delivery needs. */
  unseal(w: { secretSealed: Uint8Array; secretTokenSealed: Uint8Array | null }) {
    return {
      secret: openSecret(this.policy.masterKey, w.secretSealed),
      secretToken: w.secretTokenSealed
        ? openSecret(this.policy.masterKey, w.secretTokenSealed).toString('utf8')
        : undefined,
    };
  }
}
