import type { BotCommand } from '../updates/update';

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

/**
 * `/start arg` and `/start@botname arg` are command "start" with args "arg". A command
 * addressed to another bot (`/start@otherbot`) is plain text for this one, as in groups
 * every bot sees the message.
 */
export function botCommand(content: string, botUsername?: string): BotCommand | null {
  const m = COMMAND.exec(content.trim());
  const mention = m?.[2]?.toLowerCase();
  if (!m || (mention && botUsername && mention !== botUsername.toLowerCase())) return null;
  return { name: m[1]!.toLowerCase(), args: m[3]?.trim() || null };
}
