// Setting, removing and inspecting a bot's webhook. Delivery itself is the worker's
// (src/worker/webhooks/); this side decides what is stored and tells the worker to start.
import { z } from 'zod';
import type { Db } from '../../infra/db/prisma';
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { openSecret, sealSecret } from '../crypto/secret-box';
import { invalid } from '../errors';
import { parse } from '../validation';
import { botChannel } from '../messages/fanout';
import type { UpdatesService } from '../updates/updates.service';
import { generateWebhookSecret, parseWebhookSecret } from './signature';
import { checkWebhookUrl } from './ssrf';

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

const setBody = z.object({
  url: z.string().max(2048, 'must be at most 2048 characters'),
  secret: z.string().max(200).optional(),
  secret_token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  max_connections: z.number().int().min(1).max(100).optional(),
  allowed_updates: z.array(z.string().max(32)).max(20).optional(),
  drop_pending_updates: z.boolean().optional(),
});

export interface WebhookInfo {
  url: string;
  has_custom_certificate: false;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

export class WebhooksService {
  constructor(
    private readonly db: Db,
    private readonly bus: WakeupBus,
    private readonly updates: UpdatesService,
    private readonly delivery: DeliveryScheduler,
    private readonly policy: WebhookPolicy,
  ) {}

  /** Returns the signing secret only when it was generated here (it is shown once). */
  async set(botId: string, input: unknown, dialect: 'quanta' | 'gateway' = 'quanta') {
    const body = parse(setBody, input);
    const problem = checkWebhookUrl(body.url, this.policy);
    if (problem) throw invalid('url', problem);
    const secret = body.secret ?? generateWebhookSecret();
    const key = parseWebhookSecret(secret);
    if (!key) throw invalid('secret', 'must be whsec_ followed by base64 of 24-64 random bytes');
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
    await this.db.webhook.upsert({ where: { botId }, create: { botId, ...data }, update: data });
    if (body.drop_pending_updates) await this.updates.dropPending(botId);
    // End any parked long-poll for this bot: delivery is exclusive.
    await this.bus.publish([[botChannel(botId), 'takeover:webhook']]);
    await this.delivery.scheduleDelivery([{ botId }]);
    return { url: body.url, ...(body.secret === undefined && { secret }) };
  }

  async remove(botId: string, dropPending = false): Promise<void> {
    await this.db.webhook.deleteMany({ where: { botId } });
    // Everything pending is acknowledged: it will not be delivered by either path.
    if (dropPending) await this.updates.dropPending(botId);
  }

  async info(botId: string): Promise<WebhookInfo> {
    const w = await this.db.webhook.findUnique({ where: { botId } });
    const pending = await this.updates.pendingCount(botId);
    if (!w) return { url: '', has_custom_certificate: false, pending_update_count: pending };
    return {
      url: w.url,
      has_custom_certificate: false,
      pending_update_count: pending,
      ...(w.lastErrorAt && {
        last_error_date: Math.floor(w.lastErrorAt.getTime() / 1000),
        last_error_message: w.lastErrorMessage ?? '',
      }),
      max_connections: w.maxConnections,
      ...(w.allowedUpdates.length > 0 && { allowed_updates: w.allowedUpdates }),
    };
  }

  async attempts(botId: string, limit = 50) {
    const rows = await this.db.webhookAttempt.findMany({
      where: { botId },
      orderBy: { createdAt: 'desc' },
      take: Math.min(Math.max(limit, 1), 200),
    });
    return rows.map((a) => ({
      id: a.id,
      webhook_id: a.updateUuid,
      update_id: Number(a.updateId),
      attempt: a.attempt,
      url: a.url,
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      response_body: a.responseBody,
      created_at: a.createdAt.toISOString(),
    }));
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
