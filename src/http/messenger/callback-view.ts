import type { CallbackState } from '../../domain/callbacks/callbacks.service';

export interface CallbackView {
  callback_id: string;
  answered: boolean;
  text?: string;
  show_alert?: boolean;
}

/** A button tap's answer, as the tapping person (and the answering bot) sees it. */
export function toCallbackState(c: CallbackState): CallbackView {
  return {
    callback_id: c.callbackId,
    answered: c.answered,
    ...(c.answered && { ...(c.text !== null && { text: c.text }), show_alert: c.showAlert }),
  };
}
