import { z } from 'zod';
import { parse } from '../../../domain/validation';
import type { Method } from './types';
import { flag, requiredId, text } from './args';

export const answerArgs = z.object({
  callback_query_id: requiredId,
  text: text.pipe(z.string().max(200, 'must be at most 200 characters')).optional(),
  show_alert: flag.optional(),
});

/** The answer's text (and show_alert) reach the tapping user through their event feed. */
export const answerCallbackQuery: Method = async ({ bot, params, services }) => {
  const a = parse(answerArgs, params);
  await services.callbacks.answer(bot, {
    callbackId: a.callback_query_id,
    ...(a.text !== undefined && a.text !== '' && { text: a.text }),
    ...(a.show_alert !== undefined && { showAlert: a.show_alert }),
  });
  return true;
};
