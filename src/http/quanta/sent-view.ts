import type { MessageRecord } from '../../domain/messages/message';
import { toMessengerMessage } from '../messenger/message-view';

/** What every Quanta send answers: the new message's id, and the message. */
export const sentView = (m: MessageRecord) => ({
  ok: true,
  message_id: m.id,
  message: toMessengerMessage(m),
});
