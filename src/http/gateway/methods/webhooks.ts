import { z } from 'zod';
import { parse } from '../../../domain/validation';
import { TELEGRAM_NAMES } from '../shapes';
import { logKinds } from './updates';
import type { Method } from './types';
import { flag, int } from './args';

const setArgs = z.object({
  url: z.string().optional(),
  secret_token: z.string().optional(),
  max_connections: int.optional(),
  allowed_updates: z.array(z.string()).optional(),
  drop_pending_updates: flag.optional(),
});

/**
 * Updates are POSTed Telegram-shaped (the webhook remembers it was set from the gateway).
 * An empty url removes the webhook, as in Telegram (node-telegram-bot-api relies on it).
 */
export const setWebhook: Method = async ({ bot, params, services }) => {
  const a = parse(setArgs, params);
  if (!a.url) {
    await services.webhooks.remove(bot.id, a.drop_pending_updates ?? false);
    return true;
  }
  // Stored as update-log types, which is what delivery filters on.
  const allowed = a.allowed_updates && logKinds(a.allowed_updates);
  await services.webhooks.set(
    bot.id,
    { ...a, url: a.url, ...(allowed && { allowed_updates: allowed }) },
    'gateway',
  );
  return true;
};

const deleteArgs = z.object({ drop_pending_updates: flag.optional() });

export const deleteWebhook: Method = async ({ bot, params, services }) => {
  const a = parse(deleteArgs, params);
  await services.webhooks.remove(bot.id, a.drop_pending_updates ?? false);
  return true;
};

export const getWebhookInfo: Method = async ({ bot, services }) => {
  const info = await services.webhooks.info(bot.id);
  const names: Record<string, string> = TELEGRAM_NAMES;
  return {
    ...info,
    ...(info.allowed_updates && {
      allowed_updates: info.allowed_updates.map((t) => names[t] ?? t),
    }),
  };
};
