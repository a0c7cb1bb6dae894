// The owner's wire shapes (the Quanta API's /api/v1/bot owner routes).
import type { Command } from '../types';

export interface Bot {
  id: string;
  user_id: string;
  name: string;
  username: string;
  description: string;
  short_description: string;
  /** An http(s) URL, or the API path of the uploaded image (needs the session header). */
  avatar: string | null;
  commands: Command[];
  public_key: string | null;
  key_custody: 'managed' | 'self' | null;
  webapp_url: string | null;
  webapp_menu_text: string | null;
  created_at: string;
}

/** Register and rotate-key: the bot and its key in every spelling, shown this once. */
export interface RegisteredBot {
  bot: Bot;
  api_key: string;
  koto_token: string;
  telegram_token: string;
}

/** A key on screen: kept in memory only, so leaving or reloading the page loses it. */
export interface IssuedKey {
  key: RegisteredBot;
  rotated: boolean;
}

export interface WebhookInfo {
  /** "" when no webhook is set (the bot long-polls). */
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

export interface WebhookAttempt {
  id: string;
  update_id: number;
  attempt: number;
  status_code: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: string;
}

export interface WebhookState {
  webhook: WebhookInfo;
  attempts: WebhookAttempt[];
}

/** PATCH /bot/profile/:bot_id: absent fields stay; null removes the avatar or the mini app. */
export interface BotEdit {
  name?: string;
  description?: string;
  short_description?: string;
  commands?: Command[];
  avatar?: string | null;
  webapp_url?: string | null;
  webapp_menu_text?: string;
}
