// Webhook delivery for bots whose webhook was set through the gateway: the POST carries the
// Telegram-shaped Update, and a method call in the 2xx reply body (`{"method":
// "sendMessage", ...}`) is run as that bot, as Telegram does (telegraf relies on it).
import type { DeliveryDialect } from '../../worker/webhooks/drain';
import type { Services } from '../../services';
import type { BotRateLimiter } from '../rate-limit';
import { METHODS } from './methods';
import { idShapes, withInternalIds } from './ids';
import { tgUpdate } from './shapes';

const TELEGRAM_IDS = idShapes('telegram');

/** Reads that make no sense as a reply (their result would be thrown away). */
const NOT_AS_REPLY = new Set([
  'getupdates',
  'getme',
  'getchat',
  'getwebhookinfo',
  'getmycommands',
  'getfile',
  'getchatmember',
  'getchatmembercount',
  'getmyname',
  'getmydescription',
  'getmyshortdescription',
]);

export function gatewayDelivery(
  services: Services,
  limiter: BotRateLimiter,
  shutdown: AbortSignal,
): DeliveryDialect {
  return {
    // The same shape getUpdates returns on the Telegram form, which is what libraries use (a
    // managed bot's boxes opened as they are sent).
    format: async (u, botId) =>
      tgUpdate(TELEGRAM_IDS, await services.boxes.revealForBotId(botId, u)),
    async onReply(botId, body) {
      let call: unknown;
      try {
        call = JSON.parse(body);
      } catch {
        return; // not a method call: an ordinary acknowledgement
      }
      if (typeof call !== 'object' || call === null || Array.isArray(call)) return;
      const { method: name, ...params } = call as Record<string, unknown>;
      if (typeof name !== 'string') return;
      const method = METHODS.get(name.toLowerCase());
      if (!method || NOT_AS_REPLY.has(name.toLowerCase())) {
        throw new Error(`method ${name} cannot be run from a webhook reply`);
      }
      // A call like any other: it counts against the bot's rate limit (over it, not run).
      await limiter.consume(botId, 'gateway');
      const bot = await services.bots.get(botId);
      const args = await withInternalIds(services, bot, 'telegram', params);
      await method({
        bot,
        params: args,
        services,
        signal: shutdown,
        style: 'telegram',
        ids: TELEGRAM_IDS,
      });
    },
  };
}
