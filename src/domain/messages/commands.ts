export interface ParsedCommand {
  is_command: boolean;
  command: string | null;
  command_args: string | null;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

/**
 * `/start arg` and `/start@botname arg` are command "start" with args "arg". A command
 * addressed to another bot (`/start@otherbot`) is plain text for this one, as in groups
 * every bot sees the message.
 */
export function parseCommand(content: string, botUsername?: string): ParsedCommand {
  const m = COMMAND.exec(content.trim());
  const mention = m?.[2]?.toLowerCase();
  if (!m || (mention && botUsername && mention !== botUsername.toLowerCase())) {
    return { is_command: false, command: null, command_args: null };
  }
  return { is_command: true, command: m[1]!.toLowerCase(), command_args: m[3]?.trim() || null };
}
