// reply_markup in, buttons out. The gateway accepts Koto's rows of `{text, data}` and
// Telegram's `{inline_keyboard: [[{text, callback_data | url | web_app}]]}`; messages carry Quanta
// payload buttons, which already have Telegram's button fields, so the way back is a wrap.
import { z } from 'zod';
import { invalid } from '../../domain/errors';
import type { InlineButton } from '../../domain/messages/message';
import { buttons } from '../../domain/messages/payload';
import { parse } from '../../domain/validation';

const markupButtons = z.object({ reply_markup: buttons });

type Button = { text: unknown; callback_data?: unknown; url?: unknown; web_app?: unknown };

/**
 * The payload `buttons` for a reply_markup: rows of buttons, `[]` to remove a keyboard, or
 * undefined when there is no inline keyboard to set. Reply keyboards, keyboard removal and
 * force_reply have no counterpart in this messenger and are accepted as no-ops, so bots
 * that send them keep working.
 */
export function buttonsFrom(markup: unknown): InlineButton[][] | undefined {
  if (markup === undefined || markup === null || markup === '') return undefined;
  const rows = Array.isArray(markup)
    ? markup
    : typeof markup === 'object' && 'inline_keyboard' in markup
      ? markup.inline_keyboard
      : undefined;
  if (rows === undefined) return undefined;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw invalid('reply_markup', 'an inline keyboard is an array of button rows');
  }
  const mapped = (rows as unknown[][]).map((row) => row.map(button));
  // The message's keyboard rules, named as this dialect names the field.
  return parse(markupButtons, { reply_markup: mapped }).reply_markup;
}

function button(b: unknown): Button {
  if (typeof b !== 'object' || b === null) throw invalid('reply_markup', 'a button is an object');
  const { text, data, callback_data, url, web_app } = b as Record<string, unknown>;
  if (url !== undefined) return { text, url };
  if (web_app !== undefined) return { text, web_app };
  if (callback_data !== undefined || data !== undefined) {
    return { text, callback_data: callback_data ?? data };
  }
  throw invalid('reply_markup', 'only callback_data (data), url and web_app buttons are supported');
}

/** A message payload's buttons as Telegram's InlineKeyboardMarkup. */
export function inlineKeyboard(payload: unknown): { inline_keyboard: unknown[][] } | undefined {
  const rows = (payload as { buttons?: unknown } | null)?.buttons;
  // Array.isArray narrows to any[]: the rows are the stored (validated) keyboard's.
  return Array.isArray(rows) && rows.length > 0
    ? { inline_keyboard: rows as unknown[][] }
    : undefined;
}
