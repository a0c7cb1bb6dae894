// The Quanta bot API's webhook JSON, built from the domain's records.
import type { WebhookAttempt } from '../../generated/prisma/client';
import type { ActiveKey, VerifyingKey } from '../../domain/webhooks/signing-keys';
import type { WebhookSetResult, WebhookStatus } from '../../domain/webhooks/webhooks.service';

/** Telegram's WebhookInfo fields, with update-log type names. */
export interface WebhookInfoView {
  url: string;
  has_custom_certificate: false;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

const unixSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The generated signing secret appears here only: it is not stored in the clear. */
export const webhookSetView = (set: WebhookSetResult, key: ActiveKey) => ({
  ok: true,
  url: set.webhook.url,
  ...(set.generatedSecret !== undefined && { secret: set.generatedSecret }),
  public_key: key.whpk,
});

export function webhookInfoView({
  webhook: w,
  pendingUpdateCount,
}: WebhookStatus): WebhookInfoView {
  const base = {
    url: w?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: pendingUpdateCount,
  } as const;
  if (!w) return base;
  return {
    ...base,
    ...(w.lastErrorAt && {
      last_error_date: unixSeconds(w.lastErrorAt),
      last_error_message: w.lastErrorMessage ?? '',
    }),
    max_connections: w.maxConnections,
    ...(w.allowedUpdates.length > 0 && { allowed_updates: w.allowedUpdates }),
  };
}

export const attemptView = (a: WebhookAttempt) => ({
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
});

const keyView = (k: VerifyingKey) => ({
  id: k.id,
  public_key: Buffer.from(k.publicKey).toString('base64'),
  whpk: k.whpk,
  created_at: k.createdAt.toISOString(),
  active: k.active,
  expires_at: k.expiresAt?.toISOString() ?? null,
});

/** The active key at the top (what most receivers read), every verifying key in `keys`. */
export function publicKeysView(verifying: VerifyingKey[]) {
  const keys = verifying.map(keyView);
  const active = keys.find((k) => k.active)!;
  return { algorithm: 'ed25519', public_key: active.public_key, whpk: active.whpk, keys };
}
