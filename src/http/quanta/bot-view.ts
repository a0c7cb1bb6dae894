import { commandsOf, type BotWithUser, type RegisteredBot } from '../../domain/bots/bots.service';
import type { BotCommand } from '../../domain/bots/bots.schemas';
import { botAvatarUrl } from '../../domain/bots/avatar';

/** A bot as the Quanta API shows it to its owner and to itself (never the key digest). */
export interface PublicBot {
  id: string;
  user_id: string;
  owner_id: string;
  name: string;
  username: string;
  description: string;
  /** The line a chat shows before the first message (as `setMyShortDescription`). */
  short_description: string;
  /** An http(s) URL, or the path of the uploaded image (owner and chat members, JWT). */
  avatar: string | null;
  is_active: boolean;
  commands: BotCommand[];
  permissions: string[];
  /** NaCl box public key (base64) people encrypt to; null for bots made before E2E. */
  public_key: string | null;
  /** "managed": the platform holds the secret key; "self": the owner does. */
  key_custody: string | null;
  /** The mini app the chat menu button opens, or null. */
  webapp_url: string | null;
  /** The menu button's label for the mini app; null: the messenger's default. */
  webapp_menu_text: string | null;
  created_at: string;
}

export const toPublicBot = (b: BotWithUser): PublicBot => ({
  id: b.id,
  user_id: b.userId,
  owner_id: b.ownerId,
  name: b.name,
  username: b.user.username,
  description: b.description,
  short_description: b.shortDescription,
  avatar: b.avatarUrl ?? (b.avatarSha256 && botAvatarUrl(b.id, b.avatarSha256)),
  is_active: b.isActive,
  commands: commandsOf(b),
  permissions: b.permissions,
  public_key: b.user.publicKey,
  key_custody: b.keyCustody,
  webapp_url: b.webappUrl,
  webapp_menu_text: b.webappMenuText,
  created_at: b.createdAt.toISOString(),
});

export const registeredBotView = (r: RegisteredBot) => ({
  bot: toPublicBot(r.bot),
  api_key: r.apiKey,
  koto_token: r.kotoToken,
  telegram_token: r.telegramToken,
});
