import { botAvatarUrl } from '../../domain/bots/avatar';
import type { BotCommand } from '../../domain/bots/bots.schemas';
import { commandsOf, type BotWithUser } from '../../domain/bots/bots.service';

/** A bot as anyone signed in sees it: what it is and does, not who owns it or its settings. */
export interface BotProfileView {
  id: string;
  user_id: string;
  username: string;
  name: string;
  description: string;
  short_description: string;
  /** An http(s) URL, or the path of the uploaded image (its chat members, JWT). */
  avatar: string | null;
  commands: BotCommand[];
}

export const toBotProfileView = (b: BotWithUser): BotProfileView => ({
  id: b.id,
  user_id: b.userId,
  username: b.user.username,
  name: b.name,
  description: b.description,
  short_description: b.shortDescription,
  avatar: b.avatarUrl ?? (b.avatarSha256 && botAvatarUrl(b.id, b.avatarSha256)),
  commands: commandsOf(b),
});
