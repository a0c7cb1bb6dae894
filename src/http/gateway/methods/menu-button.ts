import type { BotWithUser } from '../../../domain/bots/bots.service';
import { appError } from '../../../domain/errors';
import { parse } from '../../../domain/validation';
import { menuButton } from '../../../domain/webapps/webapps.schemas';
import type { Method } from './types';
import { z } from 'zod';

/** The label a menu button gets when its setter gave none (the Koto and Quanta setters). */
const DEFAULT_MENU_TEXT = 'Open';

// One menu button per bot: a chat-specific one has no counterpart here, so chat_id is refused
// rather than silently applied to every chat.
export const setMenuButtonArgs = z.object({ menu_button: menuButton.optional() });

function refuseChatId(params: Record<string, unknown>): void {
  if (params.chat_id !== undefined) {
    throw appError('unsupported', {
      field: 'chat_id',
      detail: 'menu buttons are per bot, not per chat: leave chat_id out',
    });
  }
}

/** Telegram's MenuButton for the bot's current setting. */
export const menuButtonOf = (bot: BotWithUser) =>
  bot.webappUrl
    ? {
        type: 'web_app',
        text: bot.webappMenuText ?? DEFAULT_MENU_TEXT,
        web_app: { url: bot.webappUrl },
      }
    : { type: 'commands' };

export const setChatMenuButton: Method = async ({ bot, token, params, services }) => {
  refuseChatId(params);
  const { menu_button } = parse(setMenuButtonArgs, params);
  const app =
    menu_button?.type === 'web_app'
      ? { url: menu_button.web_app.url, menuText: menu_button.text }
      : null;
  await services.bots.setWebApp(bot, token, app);
  return true;
};

export const getChatMenuButton: Method = ({ bot, params }) => {
  refuseChatId(params);
  return Promise.resolve(menuButtonOf(bot));
};
