import type { BotBoxes } from '../../domain/e2e/bot-boxes.service';
import type { DeliveryDialect } from '../../worker/webhooks/drain';
import { toQuantaUpdate } from './update-view';

/**
 * Webhooks set through the Quanta API receive the same JSON object /updates returns (a
 * managed bot's boxes opened as they are sent).
 */
export const quantaDelivery = (boxes: BotBoxes): DeliveryDialect => ({
  format: async (u, botId) => toQuantaUpdate(await boxes.revealForBotId(botId, u)),
});
