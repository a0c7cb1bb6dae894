import { z } from 'zod';
import { appError } from '../../../domain/errors';
import { parse } from '../../../domain/validation';
import type { Method } from './types';
import { flag, id, text } from './args';

const answerArgs = z.object({
  callback_query_id: id.optional(),
  text: text.optional(),
  show_alert: flag.optional(),
});

/** The answer's text (and show_alert) reach the tapping user through their event feed. */
export const answerCallbackQuery: Method = async ({ bot, params, services }) => {
  const a = parse(answerArgs, params);
  if (a.callback_query_id === undefined)
    throw appError('missing_field', { field: 'callback_query_id' });
  await services.callbacks.answer(bot, {
    callback_id: a.callback_query_id,
    ...(a.text !== undefined && a.text !== '' && { text: a.text }),
    ...(a.show_alert !== undefined && { show_alert: a.show_alert }),
  });
  return true;
};
