import type { DeliveryDialect } from '../../worker/webhooks/drain';
import { toQuantaUpdate } from './update-view';

/** Webhooks set through the Quanta API receive the same JSON object /updates returns. */
export const quantaDelivery: DeliveryDialect = { format: (u) => toQuantaUpdate(u) };
