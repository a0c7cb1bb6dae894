import { z } from 'zod';
import { parse } from '../../../domain/validation';
import type { WebhookStatus } from '../../../domain/webhooks/webhooks.service';
import {
  allowedUpdates,
  maxConnections,
  secretToken,
  webhookUrl,
} from '../../../domain/webhooks/webhooks.schemas';
import { TELEGRAM_NAMES } from '../shapes';
import type { Method } from './types';
import { flag, int } from './args';
import { knownKinds } from './updates';

const names: Record<string, string> = TELEGRAM_NAMES;

// The Quanta body's field rules, after Telegram's coercions (numbers and flags as strings).
export const setArgs = z.object({
  url: webhookUrl.optional(),
  secret_token: secretToken.optional(),
  max_connections: int.pipe(maxConnections).optional(),
  allowed_updates: z.array(z.string()).transform(knownKinds).pipe(allowedUpdates).optional(),
  drop_pending_updates: flag.optional(),
});

/**
 * Updates are POSTed Telegram-shaped (the webhook remembers it was set from the gateway).
 * An empty url removes the webhook, as in Telegram (node-telegram-bot-api relies on it).
 */
export const setWebhook: Method = async ({ bot, params, services }) => {
  const { url, ...settings } = parse(setArgs, params);
  if (!url) {
    await services.webhooks.remove(bot.id, settings.drop_pending_updates ?? false);
    return true;
  }
  await services.webhooks.set(bot.id, { url, ...settings }, 'gateway');
  return true;
};

export const deleteArgs = z.object({ drop_pending_updates: flag.optional() });

export const deleteWebhook: Method = async ({ bot, params, services }) => {
  const a = parse(deleteArgs, params);
  await services.webhooks.remove(bot.id, a.drop_pending_updates ?? false);
  return true;
};

export const getWebhookInfo: Method = async ({ bot, services }) =>
  telegramWebhookInfo(await services.webhooks.info(bot.id));

/** Telegram's WebhookInfo, with Telegram's update names. */
function telegramWebhookInfo({ webhook: w, pendingUpdateCount }: WebhookStatus) {
  const base = {
    url: w?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: pendingUpdateCount,
  };
  if (!w) return base;
  return {
    ...base,
    ...(w.lastErrorAt && {
      last_error_date: Math.floor(w.lastErrorAt.getTime() / 1000),
      last_error_message: w.lastErrorMessage ?? '',
    }),
    max_connections: w.maxConnections,
    ...(w.allowedUpdates.length > 0 && {
      allowed_updates: w.allowedUpdates.map((t) => names[t] ?? t),
    }),
  };
}
