// Webhook delivery for bots whose webhook was set through the gateway: the POST carries the
// Telegram-shaped Update, and a method call in the 2xx reply body (`{"method":
// "sendMessage", ...}`) is run as that bot, as Telegram does (telegraf relies on it).
import type { DeliveryDialect } from '../../worker/webhooks/drain';
import type { Services } from '../../services';
import { METHODS } from './methods';
import { tgUpdate } from './shapes';

/** Reads that make no sense as a reply (their result would be thrown away). */
const NOT_AS_REPLY = new Set(['getupdates', 'getme', 'getchat', 'getwebhookinfo', 'getmycommands']);

export function gatewayDelivery(services: Services, shutdown: AbortSignal): DeliveryDialect {
  return {
    // The same shape getUpdates returns (a managed bot's boxes opened as they are sent).
    format: async (u, botId) => tgUpdate(await services.boxes.revealForBotId(botId, u)),
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
      const bot = await services.bots.get(botId);
      await method({ bot, params, services, signal: shutdown, style: 'telegram' });
    },
  };
}
